package ai.together.sandbox.autoconfigure.observation;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.HermeticEnvironment;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.observation.DefaultTogetherSandboxClientObservationConvention;
import ai.together.sandbox.observation.TogetherSandboxClientObservationContext;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Real calls through the auto-configured client leave retry counts and request timers in a
 * {@link SimpleMeterRegistry}, through Spring Boot's own observation and metrics
 * auto-configuration.
 */
class TogetherSandboxMetricsTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				TogetherSandboxAutoConfiguration.class, TogetherSandboxMetricsAutoConfiguration.class))
		.withUserConfiguration(SimpleMeterRegistryConfiguration.class)
		.withPropertyValues("together.sandbox.retry.initial-delay=1ms", "together.sandbox.retry.jitter=0ms");

	@Test
	void countsRetriesAndTimesTheWholeCallAgainstAFlakyServer() {
		server.stubFor(get("/api/v1/sandboxes").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("second"));
		server.stubFor(get("/api/v1/sandboxes").inScenario("flaky")
			.whenScenarioStateIs("second")
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		server.stubFor(get("/api/v1/sandboxes").inScenario("flaky")
			.whenScenarioStateIs("up")
			.willReturn(okJson("[" + SandboxJson.sandbox("abc123", "running", null, null) + "]")));
		server.stubFor(get("/api/v1/sandboxes/down01").willReturn(aResponse().withStatus(503)));
		this.contextRunner.withPropertyValues("together.sandbox.api-key=test-key",
				"together.sandbox.base-url=" + server.baseUrl())
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
				TogetherSandbox client = context.getBean(TogetherSandbox.class);

				assertThat(client.sandboxes().list()).hasSize(1);
				assertThat(counter(registry, "sandboxes.list", "503", "server_error").count()).isEqualTo(2.0);
				Timer listTimer = timer(registry, "sandboxes.list", "success", "200", "none");
				assertThat(listTimer.count()).isEqualTo(1);

				assertThatExceptionOfType(HttpException.class).isThrownBy(() -> client.sandboxes().get("down01"));
				// Three attempts: two retries, then the final failure.
				server.verify(3, getRequestedFor(urlEqualTo("/api/v1/sandboxes/down01")));
				assertThat(counter(registry, "sandboxes.get", "503", "server_error").count()).isEqualTo(2.0);
				assertThat(timer(registry, "sandboxes.get", "server_error", "503", "HttpException").count())
					.isEqualTo(1);
				assertThat(registry.find("together.sandbox.client.requests").timers()).hasSize(2);
				assertThat(registry.get("together.sandbox.client.retries").counter().getId().getDescription())
					.isNotBlank();
			});
	}

	@Test
	void recordsCallsAgainstTheEmbeddedEmulator() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			TogetherSandbox client = context.getBean(TogetherSandbox.class);
			assertThat(client.sandboxes().list()).isEmpty();
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> client.sandboxes().get("nosuch1"))
				.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404));
			assertThat(timer(registry, "sandboxes.list", "success", "200", "none").count()).isEqualTo(1);
			assertThat(timer(registry, "sandboxes.get", "client_error", "404", "HttpException").count()).isEqualTo(1);
			// A 404 is not retried.
			assertThat(registry.find("together.sandbox.client.retries").counters()).isEmpty();
		});
	}

	@Test
	void leavesOutObservationsSwitchedOffWithBootsProperty() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		this.contextRunner.withPropertyValues("together.sandbox.api-key=test-key",
				"together.sandbox.base-url=" + server.baseUrl(),
				"management.observations.enable.together.sandbox=false")
			.run((context) -> {
				context.getBean(TogetherSandbox.class).sandboxes().list();
				assertThat(context.getBean(MeterRegistry.class).find("together.sandbox.client.requests").timers())
					.isEmpty();
			});
	}

	@Test
	void usesAnApplicationObservationConvention() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		this.contextRunner.withUserConfiguration(ConventionConfiguration.class)
			.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.base-url=" + server.baseUrl())
			.run((context) -> {
				context.getBean(TogetherSandbox.class).sandboxes().list();
				assertThat(context.getBean(MeterRegistry.class)
					.get("together.sandbox.client.requests")
					.tag("team", "platform")
					.tag("operation", "sandboxes.list")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	private static Counter counter(MeterRegistry registry, String operation, String status, String outcome) {
		return registry.get("together.sandbox.client.retries")
			.tag("operation", operation)
			.tag("status", status)
			.tag("outcome", outcome)
			.counter();
	}

	private static Timer timer(MeterRegistry registry, String operation, String outcome, String status,
			String exception) {
		return registry.get("together.sandbox.client.requests")
			.tag("operation", operation)
			.tag("outcome", outcome)
			.tag("status", status)
			.tag("exception", exception)
			.timer();
	}

	@Configuration(proxyBeanMethods = false)
	static class ConventionConfiguration {

		@Bean
		TogetherSandboxClientObservationConvention teamConvention() {
			return new DefaultTogetherSandboxClientObservationConvention() {

				@Override
				public KeyValues getLowCardinalityKeyValues(TogetherSandboxClientObservationContext context) {
					return super.getLowCardinalityKeyValues(context).and("team", "platform");
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SimpleMeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
