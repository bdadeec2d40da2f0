package ai.together.sandbox.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.ClientBuilder;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.health.TogetherSandboxHealthContributorAutoConfiguration;
import ai.together.sandbox.autoconfigure.observation.TogetherSandboxMetricsAutoConfiguration;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TogetherSandboxAutoConfiguration}.
 */
class TogetherSandboxAutoConfigurationTests {

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class))
		.withPropertyValues("together.sandbox.api-key=test-key");

	@Test
	void createsBothClientsFromDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactiveTogetherSandbox.class)
				.hasSingleBean(TogetherSandbox.class)
				.hasSingleBean(RetryConfig.class)
				.hasSingleBean(PropertiesTogetherSandboxConnectionDetails.class)
				.hasBean("togetherSandbox")
				.hasBean("reactiveTogetherSandbox")
				.hasBean("togetherSandboxConnectionDetails")
				.doesNotHaveBean(SandboxEmulator.class);
			ReactiveTogetherSandbox reactive = context.getBean(ReactiveTogetherSandbox.class);
			TogetherSandbox blocking = context.getBean(TogetherSandbox.class);
			assertThat(blocking.reactive()).isSameAs(reactive);
			assertThat(reactive.baseUrl()).isEqualTo(ClientBuilder.DEFAULT_BASE_URL);
			RetryConfig retry = reactive.retryConfig();
			assertThat(retry).isSameAs(context.getBean(RetryConfig.class));
			assertThat(retry.maxAttempts()).isEqualTo(3);
			assertThat(retry.initialDelay()).isEqualTo(Duration.ofMillis(500));
			assertThat(retry.multiplier()).isEqualTo(2.0);
			assertThat(retry.jitter()).isEqualTo(Duration.ofMillis(250));
			assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(30));
			assertThat(retry.retryableStatuses()).isEqualTo(RetryConfig.DEFAULT_RETRYABLE_STATUSES);
			assertThat(retry.retryTransportErrors()).isTrue();
			assertThat(retry.excludedOperations()).isEmpty();
			assertThat(retry.shouldRetry()).isNull();
			CreateSandboxRequest.Builder request = context.getBean(CreateSandboxRequest.Builder.class);
			assertThat(request.snapshotAlias("app@v1").build())
				.isEqualTo(CreateSandboxRequest.fromSnapshotAlias("app@v1"));
		});
	}

	@Test
	void durationsWithoutAUnitAreInTheUnitOfTheirDefaults() {
		this.contextRunner
			.withPropertyValues("together.sandbox.connect-timeout=2", "together.sandbox.response-timeout=30",
					"together.sandbox.lifecycle-timeout=120", "together.sandbox.stream-idle-timeout=90",
					"together.sandbox.retry.initial-delay=20", "together.sandbox.retry.jitter=5",
					"together.sandbox.retry.max-delay=10", "together.sandbox.health.timeout=4")
			.run((context) -> {
				TogetherSandboxProperties properties = context.getBean(TogetherSandboxProperties.class);
				assertThat(properties.getResponseTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getLifecycleTimeout()).isEqualTo(Duration.ofSeconds(120));
				assertThat(properties.getStreamIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.getRetry().getInitialDelay()).isEqualTo(Duration.ofMillis(20));
				assertThat(properties.getRetry().getJitter()).isEqualTo(Duration.ofMillis(5));
				assertThat(properties.getRetry().getMaxDelay()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getHealth().getTimeout()).isEqualTo(Duration.ofSeconds(4));
			});
	}

	@Test
	void stripsATrailingApiV1FromTheBaseUrl() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		this.contextRunner
			.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + server.getPort() + "/api/v1/")
			.run((context) -> {
				TogetherSandbox client = context.getBean(TogetherSandbox.class);
				assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:" + server.getPort());
				assertThat(client.sandboxes().list()).isEmpty();
			});
		server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes")));
	}

	@Test
	void bindsEveryProperty(@org.junit.jupiter.api.io.TempDir Path dataDir) {
		this.contextRunner
			.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + server.getPort() + "/",
					"together.sandbox.connect-timeout=2s", "together.sandbox.response-timeout=1500ms",
					"together.sandbox.lifecycle-timeout=2m", "together.sandbox.retry.max-attempts=5",
					"together.sandbox.retry.initial-delay=20ms", "together.sandbox.retry.multiplier=1.5",
					"together.sandbox.retry.jitter=5ms", "together.sandbox.retry.max-delay=1s",
					"together.sandbox.retry.statuses=429,503", "together.sandbox.retry.transport-errors=false",
					"together.sandbox.retry.excluded-operations=snapshots.create,sandboxes.create",
					"together.sandbox.defaults.snapshot-alias=my-app@v1", "together.sandbox.defaults.millicpu=2000",
					"together.sandbox.defaults.memory=4GB", "together.sandbox.defaults.disk=20GB",
					"together.sandbox.defaults.ephemeral=true", "together.sandbox.health.timeout=750ms",
					"together.sandbox.health.sandboxes=abc123,def456", "together.sandbox.emulator.mode=never",
					"together.sandbox.emulator.port=18080", "together.sandbox.emulator.data-dir=" + dataDir)
			.run((context) -> {
				TogetherSandboxProperties properties = context.getBean(TogetherSandboxProperties.class);
				assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getResponseTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(properties.getLifecycleTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getHealth().getTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(properties.getHealth().getSandboxes()).containsExactly("abc123", "def456");
				assertThat(properties.getEmulator().getMode()).isEqualTo(TogetherSandboxProperties.Emulator.Mode.NEVER);
				assertThat(properties.getEmulator().getPort()).isEqualTo(18080);
				assertThat(properties.getEmulator().getDataDir()).isEqualTo(dataDir);
				assertThat(properties.getDefaults().getMemory()).isEqualTo(DataSize.ofGigabytes(4));
				assertThat(properties.toString()).doesNotContain("test-key");

				ReactiveTogetherSandbox client = context.getBean(ReactiveTogetherSandbox.class);
				assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:" + server.getPort());
				RetryConfig retry = client.retryConfig();
				assertThat(retry.maxAttempts()).isEqualTo(5);
				assertThat(retry.initialDelay()).isEqualTo(Duration.ofMillis(20));
				assertThat(retry.multiplier()).isEqualTo(1.5);
				assertThat(retry.jitter()).isEqualTo(Duration.ofMillis(5));
				assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(1));
				assertThat(retry.retryableStatuses()).containsExactlyInAnyOrder(429, 503);
				assertThat(retry.retryTransportErrors()).isFalse();
				assertThat(retry.excludedOperations()).containsExactlyInAnyOrder("snapshots.create",
						"sandboxes.create");

				CreateSandboxRequest request = context.getBean(CreateSandboxRequest.Builder.class).build();
				assertThat(request).isEqualTo(new CreateSandboxRequest(2000, 4L * 1024 * 1024 * 1024,
						20L * 1024 * 1024 * 1024, null, null, "my-app@v1", true));
				// A prototype: each injection point gets its own builder.
				assertThat(context.getBean(CreateSandboxRequest.Builder.class))
					.isNotSameAs(context.getBean(CreateSandboxRequest.Builder.class));

				server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
				assertThat(context.getBean(TogetherSandbox.class).sandboxes().list()).isEmpty();
				server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes")).withHeader("Authorization",
						equalTo("Bearer test-key")));
			});
	}

	@Test
	void fallsBackToTheEnvironmentVariablesOfThePlainClient() {
		new ApplicationContextRunner().withInitializer(new HermeticEnvironment())
			.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class))
			.withPropertyValues("TOGETHER_API_KEY=env-key", "TOGETHER_BASE_URL=http://127.0.0.1:" + server.getPort())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SandboxEmulator.class);
				TogetherSandboxConnectionDetails details = context.getBean(TogetherSandboxConnectionDetails.class);
				assertThat(details.getApiKey()).isEqualTo("env-key");
				assertThat(details.getBaseUrl()).isEqualTo("http://127.0.0.1:" + server.getPort());
				assertThat(details.toString()).doesNotContain("env-key");
			});
	}

	@Test
	void backsOffForAnApplicationReactiveClient() {
		this.contextRunner.withUserConfiguration(UserReactiveClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveTogetherSandbox.class).hasSingleBean(TogetherSandbox.class);
			ReactiveTogetherSandbox reactive = context.getBean(ReactiveTogetherSandbox.class);
			assertThat(reactive.baseUrl()).isEqualTo("http://user.example");
			assertThat(context.getBean(TogetherSandbox.class).reactive()).isSameAs(reactive);
		});
	}

	@Test
	void offersTheReactiveViewOfAnApplicationBlockingClient() {
		this.contextRunner.withUserConfiguration(UserBlockingClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveTogetherSandbox.class).hasSingleBean(TogetherSandbox.class);
			TogetherSandbox blocking = context.getBean(TogetherSandbox.class);
			assertThat(blocking.baseUrl()).isEqualTo("http://user.example");
			assertThat(context.getBean(ReactiveTogetherSandbox.class)).isSameAs(blocking.reactive());
		});
	}

	@Test
	void usesApplicationRetryConfigAndConnectionDetails() {
		this.contextRunner.withUserConfiguration(UserSettingsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RetryConfig.class)
				.hasSingleBean(TogetherSandboxConnectionDetails.class)
				.doesNotHaveBean(PropertiesTogetherSandboxConnectionDetails.class);
			ReactiveTogetherSandbox client = context.getBean(ReactiveTogetherSandbox.class);
			assertThat(client.retryConfig()).isSameAs(context.getBean("userRetryConfig"));
			assertThat(client.baseUrl()).isEqualTo("http://details.example");
		});
	}

	@Test
	void runsCustomizersInOrderAfterTheProperties() {
		this.contextRunner.withPropertyValues("together.sandbox.base-url=http://properties.example")
			.withUserConfiguration(CustomizersConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(CustomizersConfiguration.class).calls).containsExactly("first", "second");
				assertThat(context.getBean(ReactiveTogetherSandbox.class).baseUrl()).isEqualTo("http://second.example");
			});
	}

	@Test
	void letsAnApplicationCustomizerOverrideWhatThePropertiesSet() {
		this.contextRunner.withPropertyValues("together.sandbox.retry.max-attempts=5")
			.withUserConfiguration(RetryOverrideConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(RetryConfig.class).maxAttempts()).isEqualTo(5);
				assertThat(context.getBean(ReactiveTogetherSandbox.class).retryConfig().maxAttempts()).isEqualTo(1);
			});
	}

	@Test
	void runsThePropertiesCustomizerInOrderZeroAmongTheApplicationCustomizers() {
		this.contextRunner.withPropertyValues("together.sandbox.base-url=http://properties.example")
			.withUserConfiguration(CustomizersAroundThePropertiesConfiguration.class)
			.run((context) -> {
				List<TogetherSandboxBuilderCustomizer> customizers = context
					.getBeanProvider(TogetherSandboxBuilderCustomizer.class)
					.orderedStream()
					.toList();
				assertThat(customizers).containsExactly(context.getBean("before", TogetherSandboxBuilderCustomizer.class),
						context.getBean(PropertiesTogetherSandboxBuilderCustomizer.class),
						context.getBean("after", TogetherSandboxBuilderCustomizer.class),
						context.getBean("unordered", TogetherSandboxBuilderCustomizer.class));
				assertThat(context.getBean(CustomizersAroundThePropertiesConfiguration.class).calls)
					.containsExactly("before", "after", "unordered");
				// The properties replace what ran before them; the last one wins.
				assertThat(context.getBean(ReactiveTogetherSandbox.class).baseUrl())
					.isEqualTo("http://unordered.example");
			});
	}

	@Test
	void offersAPrototypeBuilderWithTheSettingsOfTheProperties() {
		this.contextRunner
			.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + server.getPort(),
					"together.sandbox.retry.max-attempts=4")
			.run((context) -> {
				assertThat(context).hasBean("togetherSandboxBuilder");
				ReactiveTogetherSandbox.Builder builder = context.getBean(ReactiveTogetherSandbox.Builder.class);
				assertThat(builder).isNotSameAs(context.getBean(ReactiveTogetherSandbox.Builder.class));
				try (ReactiveTogetherSandbox extra = builder.build()) {
					assertThat(extra).isNotSameAs(context.getBean(ReactiveTogetherSandbox.class));
					assertThat(extra.baseUrl()).isEqualTo("http://127.0.0.1:" + server.getPort());
					assertThat(extra.retryConfig()).isSameAs(context.getBean(RetryConfig.class));
					assertThat(extra.retryConfig().maxAttempts()).isEqualTo(4);
					server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
					assertThat(extra.blocking().sandboxes().list()).isEmpty();
					server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes")).withHeader("Authorization",
							equalTo("Bearer test-key")));
				}
			});
	}

	@Test
	void backsOffForAnApplicationBuilder() {
		this.contextRunner.withUserConfiguration(UserBuilderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveTogetherSandbox.Builder.class)
				.doesNotHaveBean(PropertiesTogetherSandboxBuilderCustomizer.class);
			assertThat(context.getBean(ReactiveTogetherSandbox.class).baseUrl()).isEqualTo("http://builder.example");
		});
	}

	@Test
	void clonesTheApplicationWebClientBuilder() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class))
			.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + server.getPort())
			.withUserConfiguration(WebClientCustomizerConfiguration.class)
			.run((context) -> {
				server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
				context.getBean(TogetherSandbox.class).sandboxes().list();
				server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes")).withHeader("X-Application",
						equalTo("customized")));
			});
	}

	@Test
	void takesTheApplicationWebClientBuilderOnTheFirstCallNotAtStartup() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class))
			.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + server.getPort())
			.withUserConfiguration(CountingWebClientCustomizerConfiguration.class)
			.run((context) -> {
				AtomicInteger built = context.getBean("webClientBuilderCount", AtomicInteger.class);
				TogetherSandbox client = context.getBean(TogetherSandbox.class);
				assertThat(built).as("WebClient.Builder instances made at startup").hasValue(0);
				server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
				client.sandboxes().list();
				client.sandboxes().list();
				assertThat(built).as("WebClient.Builder instances after two calls").hasValue(1);
			});
	}

	@Test
	void adaptsANamedSpringRetryPolicy() {
		this.contextRunner.withUserConfiguration(RetryPolicyConfiguration.class).run((context) -> {
			RetryConfig retry = context.getBean(ReactiveTogetherSandbox.class).retryConfig();
			assertThat(retry.maxAttempts()).isEqualTo(5);
			assertThat(retry.initialDelay()).isEqualTo(Duration.ofMillis(10));
			assertThat(retry.multiplier()).isEqualTo(1.5);
			assertThat(retry.maxDelay()).isEqualTo(Duration.ofMillis(80));
			assertThat(retry.shouldRetry()).isNotNull();
		});
	}

	@Test
	void adaptsAQualifiedSpringRetryPolicy() {
		this.contextRunner.withUserConfiguration(QualifiedRetryPolicyConfiguration.class, UnrelatedRetryPolicyConfiguration.class)
			.run((context) -> {
				RetryConfig retry = context.getBean(ReactiveTogetherSandbox.class).retryConfig();
				assertThat(retry.maxAttempts()).isEqualTo(7);
				assertThat(retry.shouldRetry()).isNotNull();
			});
	}

	@Test
	void failsOnTwoRetryPoliciesMeantForTheClient() {
		this.contextRunner.withUserConfiguration(RetryPolicyConfiguration.class, QualifiedRetryPolicyConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(NoUniqueBeanDefinitionException.class)
				.hasMessageContaining(TogetherSandboxAutoConfiguration.RETRY_POLICY_BEAN_NAME));
	}

	@Test
	void ignoresARetryPolicyMeantForSomethingElse() {
		this.contextRunner.withUserConfiguration(UnrelatedRetryPolicyConfiguration.class).run((context) -> {
			RetryConfig retry = context.getBean(ReactiveTogetherSandbox.class).retryConfig();
			assertThat(retry.maxAttempts()).isEqualTo(3);
			assertThat(retry.shouldRetry()).isNull();
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.contextRunner.withPropertyValues("together.sandbox.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ReactiveTogetherSandbox.class)
				.doesNotHaveBean(TogetherSandbox.class)
				.doesNotHaveBean(TogetherSandboxConnectionDetails.class);
		});
	}

	@Test
	void worksWithoutActuatorMicrometerOrWebClient() {
		// As in an application: auto-configurations are imported through the selector that drops
		// those whose classes are missing, before their conditions are read.
		new ApplicationContextRunner().withInitializer(new HermeticEnvironment())
			.withPropertyValues("together.sandbox.api-key=test-key")
			.withUserConfiguration(ImportAllConfiguration.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer.core", "org.springframework.boot.health",
					"org.springframework.boot.actuate", "org.springframework.boot.webclient"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(TogetherSandbox.class)
					.doesNotHaveBean("togetherSandboxHealthContributor")
					.doesNotHaveBean("togetherSandboxRetryMetrics")
					.doesNotHaveBean("togetherSandboxApiKeySanitizingFunction");
			});
	}

	@Test
	void addsHealthMetricsAndSanitizingWhenTheirClassesArePresent() {
		new ApplicationContextRunner().withInitializer(new HermeticEnvironment())
			.withPropertyValues("together.sandbox.api-key=test-key")
			.withUserConfiguration(ImportAllConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(TogetherSandbox.class)
					.hasBean("togetherSandboxHealthContributor")
					.hasBean("togetherSandboxRetryMetrics")
					.hasBean("togetherSandboxApiKeySanitizingFunction");
				SanitizingFunction sanitizing = context.getBean(SanitizingFunction.class);
				for (String key : List.of("together.sandbox.api-key", "together.sandbox.apiKey", "TOGETHER_API_KEY",
						"TOGETHER_SANDBOX_APIKEY")) {
					assertThat(sanitizing.applyUnlessFiltered(new SanitizableData(null, key, "secret")).getValue())
						.as(key)
						.isEqualTo(SanitizableData.SANITIZED_VALUE);
				}
				assertThat(sanitizing.applyUnlessFiltered(new SanitizableData(null, "together.sandbox.base-url", "x"))
					.getValue()).isEqualTo("x");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TogetherSandboxAutoConfiguration.class,
			TogetherSandboxHealthContributorAutoConfiguration.class, TogetherSandboxMetricsAutoConfiguration.class })
	static class ImportAllConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		io.micrometer.core.instrument.simple.SimpleMeterRegistry meterRegistry() {
			return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserReactiveClientConfiguration {

		@Bean
		ReactiveTogetherSandbox userReactiveClient() {
			return ReactiveTogetherSandbox.builder().apiKey("user-key").baseUrl("http://user.example").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBlockingClientConfiguration {

		@Bean
		TogetherSandbox userBlockingClient() {
			return TogetherSandbox.builder().apiKey("user-key").baseUrl("http://user.example").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSettingsConfiguration {

		@Bean
		RetryConfig userRetryConfig() {
			return RetryConfig.builder().maxAttempts(7).build();
		}

		@Bean
		TogetherSandboxConnectionDetails userConnectionDetails() {
			return new TogetherSandboxConnectionDetails() {

				@Override
				public String getApiKey() {
					return "details-key";
				}

				@Override
				public String getBaseUrl() {
					return "http://details.example";
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		TogetherSandboxBuilderCustomizer second() {
			return (builder) -> {
				this.calls.add("second");
				builder.baseUrl("http://second.example");
			};
		}

		@Bean
		@Order(1)
		TogetherSandboxBuilderCustomizer first() {
			return (builder) -> {
				this.calls.add("first");
				builder.baseUrl("http://first.example");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryOverrideConfiguration {

		@Bean
		TogetherSandboxBuilderCustomizer noRetries() {
			return (builder) -> builder.retry(RetryConfig.disabled());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersAroundThePropertiesConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		TogetherSandboxBuilderCustomizer unordered() {
			return (builder) -> {
				this.calls.add("unordered");
				builder.baseUrl("http://unordered.example");
			};
		}

		@Bean
		@Order(10)
		TogetherSandboxBuilderCustomizer after() {
			return (builder) -> this.calls.add("after");
		}

		@Bean
		@Order(-10)
		TogetherSandboxBuilderCustomizer before() {
			return (builder) -> {
				this.calls.add("before");
				builder.baseUrl("http://before.example");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBuilderConfiguration {

		@Bean
		ReactiveTogetherSandbox.Builder userBuilder() {
			return ReactiveTogetherSandbox.builder().apiKey("user-key").baseUrl("http://builder.example");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WebClientCustomizerConfiguration {

		@Bean
		WebClientCustomizer headerCustomizer() {
			return (builder) -> builder.defaultHeader("X-Application", "customized");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CountingWebClientCustomizerConfiguration {

		@Bean
		AtomicInteger webClientBuilderCount() {
			return new AtomicInteger();
		}

		@Bean
		WebClientCustomizer countingCustomizer(AtomicInteger webClientBuilderCount) {
			// Boot applies every customizer to each WebClient.Builder it makes.
			return (builder) -> webClientBuilderCount.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryPolicyConfiguration {

		@Bean
		org.springframework.core.retry.RetryPolicy togetherSandboxRetryPolicy() {
			return org.springframework.core.retry.RetryPolicy.builder()
				.maxRetries(4)
				.delay(Duration.ofMillis(10))
				.multiplier(1.5)
				.maxDelay(Duration.ofMillis(80))
				.includes(ai.together.sandbox.errors.HttpException.class)
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedRetryPolicyConfiguration {

		@Bean
		@Qualifier(TogetherSandboxAutoConfiguration.RETRY_POLICY_BEAN_NAME)
		org.springframework.core.retry.RetryPolicy sandboxCallsRetryPolicy() {
			return org.springframework.core.retry.RetryPolicy.withMaxRetries(6);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnrelatedRetryPolicyConfiguration {

		@Bean
		org.springframework.core.retry.RetryPolicy paymentsRetryPolicy() {
			return org.springframework.core.retry.RetryPolicy.withMaxRetries(9);
		}

	}

}
