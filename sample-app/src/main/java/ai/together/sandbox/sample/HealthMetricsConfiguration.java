package ai.together.sandbox.sample;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Publishes the status of the starter's {@code togetherSandbox} health contributor as the gauge
 * {@code health{component="togetherSandbox"}} (3 = UP, 2 = OUT_OF_SERVICE, 1 = DOWN, 0 = anything
 * else), the mapping of Spring Boot's "map health indicators to metrics" how-to, so that a
 * dashboard and alerts can use it. The health endpoint caches results
 * ({@code management.endpoint.health.cache.time-to-live}), so scrapes do not each call the API.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class HealthMetricsConfiguration {

	/** The name of the health contributor the starter registers. */
	public static final String COMPONENT = "togetherSandbox";

	@Bean
	MeterBinder togetherSandboxHealthGauge(ObjectProvider<HealthEndpoint> healthEndpoint) {
		return (registry) -> register(registry, healthEndpoint);
	}

	private static void register(MeterRegistry registry, ObjectProvider<HealthEndpoint> healthEndpoint) {
		Gauge.builder("health", healthEndpoint, HealthMetricsConfiguration::statusCode)
			.description("Health of a component: 3 = UP, 2 = OUT_OF_SERVICE, 1 = DOWN, 0 = UNKNOWN or missing")
			.tag("component", COMPONENT)
			.strongReference(true)
			.register(registry);
	}

	private static int statusCode(ObjectProvider<HealthEndpoint> healthEndpoint) {
		HealthEndpoint endpoint = healthEndpoint.getIfAvailable();
		HealthDescriptor health = (endpoint != null) ? endpoint.healthForPath(COMPONENT) : null;
		Status status = (health != null) ? health.getStatus() : Status.UNKNOWN;
		if (Status.UP.equals(status)) {
			return 3;
		}
		if (Status.OUT_OF_SERVICE.equals(status)) {
			return 2;
		}
		if (Status.DOWN.equals(status)) {
			return 1;
		}
		return 0;
	}

}
