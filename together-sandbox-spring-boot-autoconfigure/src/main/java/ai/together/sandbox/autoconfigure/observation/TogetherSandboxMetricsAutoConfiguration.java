package ai.together.sandbox.autoconfigure.observation;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxBuilderCustomizer;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the client's retry counter {@code together.sandbox.client.retries}, when
 * a {@link MeterRegistry} is present. Observations of requests need nothing here: the client
 * records them with the application's {@code ObservationRegistry}, and
 * {@code management.observations.enable.together.sandbox=false} turns them off.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple."
						+ "SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ TogetherSandbox.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = TogetherSandboxProperties.CONFIG_PREFIX + ".enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
public final class TogetherSandboxMetricsAutoConfiguration {

	TogetherSandboxMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	TogetherSandboxRetryMetrics togetherSandboxRetryMetrics(MeterRegistry meterRegistry) {
		return new TogetherSandboxRetryMetrics(meterRegistry);
	}

	@Bean
	TogetherSandboxBuilderCustomizer togetherSandboxRetryMetricsCustomizer(TogetherSandboxRetryMetrics retryMetrics) {
		return (builder) -> builder.retryListener(retryMetrics);
	}

}
