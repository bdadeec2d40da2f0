package ai.together.sandbox.autoconfigure;

import java.util.Map;
import java.util.UUID;

import ai.together.sandbox.RunningSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties.ApiGeneration;
import ai.together.sandbox.autoconfigure.health.TogetherSandboxHealthContributorAutoConfiguration;
import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code together.sandbox.api-generation}: binding and its startup error, the default origin of
 * each generation, the health check through each generation's management API (against a stub
 * and the emulator), observations and the embedded emulator on the current generation, and both
 * entry points whatever the property says.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiGenerationTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	/** Generous: the first request a stub server answers in a busy JVM can take seconds. */
	private static final String STUB_TIMEOUT = "15s";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class,
				TogetherSandboxHealthContributorAutoConfiguration.class));

	@Test
	void bindsTheGenerationWithSeedAsDefault() {
		this.contextRunner.withPropertyValues("together.sandbox.api-key=test-key").run((context) -> {
			assertThat(context.getBean(TogetherSandboxProperties.class).getApiGeneration()).isEqualTo(ApiGeneration.SEED);
			assertThat(context.getBean(TogetherSandbox.class).baseUrl()).isEqualTo("https://api.codesandbox.io");
		});
		this.contextRunner.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.api-generation=current")
			.run((context) -> {
				assertThat(context.getBean(TogetherSandboxProperties.class).getApiGeneration())
					.isEqualTo(ApiGeneration.CURRENT);
				assertThat(context.getBean(TogetherSandbox.class).baseUrl())
					.isEqualTo("https://api.bartender.codesandbox.io");
			});
		this.contextRunner.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.api-generation=CURRENT")
			.run((context) -> assertThat(context.getBean(TogetherSandboxProperties.class).getApiGeneration())
				.isEqualTo(ApiGeneration.CURRENT));
	}

	@Test
	void aConfiguredOriginWinsOverTheGenerationsDefault() {
		this.contextRunner
			.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.api-generation=current",
					"together.sandbox.base-url=" + server.baseUrl())
			.run((context) -> assertThat(context.getBean(TogetherSandbox.class).baseUrl()).isEqualTo(server.baseUrl()));
		this.contextRunner.withInitializer(HermeticEnvironment.withVariables(Map.of("TOGETHER_BASE_URL", server.baseUrl())))
			.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.api-generation=current")
			.run((context) -> assertThat(context.getBean(TogetherSandbox.class).baseUrl()).isEqualTo(server.baseUrl()));
	}

	@Test
	void failsOnAnUnknownGenerationListingTheValidOnes(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.addInitializers(new HermeticEnvironment());
		assertThatException().isThrownBy(() -> application
			.run("--together.sandbox.api-generation=v2", "--together.sandbox.api-key=test-key")
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: together.sandbox.api-generation")
			.contains("Value: \"v2\"")
			.contains("Origin: \"together.sandbox.api-generation\" from property source \"commandLineArgs\"")
			.contains("The following values are valid:")
			.containsPattern("(?s)valid:\\s+CURRENT\\s+SEED");
	}

	@Test
	void healthListsOneSandboxThroughTheCurrentManagementApi() {
		server.stubFor(get("/v1/sandboxes?limit=1").willReturn(okJson("{\"data\":[],\"next_cursor\":null}")));
		this.contextRunner
			.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.base-url=" + server.baseUrl(),
					"together.sandbox.api-generation=current", "together.sandbox.health.timeout=" + STUB_TIMEOUT)
			.run((context) -> {
				Health health = health(context);
				assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("apiGeneration", "current");
				server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes?limit=1")));
				server.verify(0, anyRequestedFor(urlPathMatching("/api/v1/.*")));
			});
	}

	@Test
	void healthHintsTheCurrentPathWhenTheOriginIsWrong() {
		server.stubFor(get(urlPathMatching("/v1/sandboxes")).willReturn(aResponse().withStatus(404)));
		this.contextRunner
			.withPropertyValues("together.sandbox.api-key=test-key", "together.sandbox.base-url=" + server.baseUrl(),
					"together.sandbox.api-generation=current", "together.sandbox.health.timeout=" + STUB_TIMEOUT)
			.run((context) -> {
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat((String) health.getDetails().get("hint")).contains("without /v1")
					.contains("together.sandbox.api-generation");
			});
	}

	@Test
	void healthOfEachGenerationAgainstTheEmulator() {
		try (SandboxEmulator emulator = SandboxEmulator.start();
				TogetherSandbox sdk = TogetherSandbox.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build()) {
			String snapshot = sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
			Sandbox seed = sdk.sandboxes().start(sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshot)).id());
			RunningSandbox current = sdk.current().sandboxes().create(SandboxSpec.fromSnapshotId(snapshot).build());
			String missing = UUID.randomUUID().toString();
			ApplicationContextRunner runner = this.contextRunner.withPropertyValues(
					"together.sandbox.api-key=" + emulator.apiKey(), "together.sandbox.base-url=" + emulator.baseUrl());

			runner.withPropertyValues("together.sandbox.health.sandboxes=" + seed.id()).run((context) -> {
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("apiGeneration", "seed");
				assertThat(sandboxes(health).get(seed.id())).containsEntry("status", "running")
					.containsEntry("agent", "reachable");
			});
			runner
				.withPropertyValues("together.sandbox.api-generation=current",
						"together.sandbox.health.sandboxes=" + current.id())
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("apiGeneration", "current");
					assertThat(sandboxes(health).get(current.id())).containsEntry("status", "running")
						.containsEntry("statusReason", "cold_started")
						.containsEntry("agent", "reachable");
				});
			// A sandbox is read through the API of its generation: a missing one is out of service.
			runner
				.withPropertyValues("together.sandbox.api-generation=current",
						"together.sandbox.health.sandboxes=" + current.id() + "," + missing)
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
					assertThat(sandboxes(health).get(missing)).containsEntry("status", "not found")
						.containsEntry("statusCode", 404);
				});
			// Terminated and its handle closed: the sandbox is not running any more.
			current.terminate();
			current.close();
			runner
				.withPropertyValues("together.sandbox.api-generation=current",
						"together.sandbox.health.sandboxes=" + current.id())
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(sandboxes(health).get(current.id())).containsEntry("status", "terminated")
						.doesNotContainKey("agent");
				});
			runner.withPropertyValues("together.sandbox.api-generation=current", "together.sandbox.api-key=wrong-key")
				.run((context) -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("statusCode", 401);
				});
			seed.shutdown();
		}
	}

	@Test
	void theEmbeddedEmulatorServesBothEntryPointsWithObservationsOnTheCurrentGeneration() {
		new ApplicationContextRunner().withInitializer(new HermeticEnvironment())
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					TogetherSandboxAutoConfiguration.class))
			.withUserConfiguration(SimpleMeterRegistryConfiguration.class)
			.withPropertyValues("together.sandbox.api-generation=current",
					"together.sandbox.emulator.snapshot-aliases=app@v1")
			.run((context) -> {
				assertThat(context).hasSingleBean(SandboxEmulator.class);
				TogetherSandbox sdk = context.getBean(TogetherSandbox.class);
				assertThat(sdk.baseUrl()).isEqualTo(context.getBean(SandboxEmulator.class).baseUrl());
				try (RunningSandbox sandbox = sdk.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("app@v1").build())) {
					assertThat(sandbox.details().status()).isEqualTo(LifecycleStatus.RUNNING);
					sandbox.files().create("/hello.txt", "hello");
					assertThat(sandbox.files().read("/hello.txt")).isEqualTo("hello");
					sandbox.terminate();
				}
				// The property selects nothing away: the seed's entry point works too.
				assertThat(sdk.sandboxes().list()).isEmpty();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(timerCount(registry, "api.createSandbox")).isEqualTo(1);
				assertThat(timerCount(registry, "api.terminateSandbox")).isEqualTo(1);
				assertThat(timerCount(registry, "sandbox.files.read")).isEqualTo(1);
				assertThat(timerCount(registry, "sandboxes.list")).isEqualTo(1);
			});
	}

	private static long timerCount(MeterRegistry registry, String operation) {
		return registry.get("together.sandbox.client.requests")
			.tag("operation", operation)
			.tag("outcome", "success")
			.timer()
			.count();
	}

	private static Health health(AssertableApplicationContext context) {
		Health health = context.getBean("togetherSandboxHealthContributor", HealthIndicator.class).health(true);
		assertThat(health).isNotNull();
		return health;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> sandboxes(Health health) {
		return (Map<String, Map<String, Object>>) health.getDetails().get("sandboxes");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(TogetherSandboxAutoConfiguration.class)
	static class Config {

	}

	@Configuration(proxyBeanMethods = false)
	static class SimpleMeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
