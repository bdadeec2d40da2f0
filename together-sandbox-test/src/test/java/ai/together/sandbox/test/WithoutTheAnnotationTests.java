package ai.together.sandbox.test;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.errors.HttpException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The same configurations as the annotated tests, without the annotation or with
 * {@code replace = NONE}: the client targets the configured URL, so that it is the annotation that
 * changes it.
 */
class WithoutTheAnnotationTests {

	private static void assertTargetsTheConfiguredUrl(ApplicationContext context, TogetherSandbox client) {
		assertThat(context.getBeanNamesForType(SandboxEmulator.class)).isEmpty();
		assertThat(client.baseUrl()).isEqualTo(EmulatorTestApplication.UNREACHABLE_BASE_URL);
		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> client.sandboxes().list())
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpException.TRANSPORT_FAILURE));
	}

	@Nested
	@SpringBootTest(classes = EmulatorTestApplication.class,
			properties = { "together.sandbox.api-key=" + EmulatorTestApplication.CONFIGURED_API_KEY,
					"together.sandbox.emulator.mode=never", "together.sandbox.retry.max-attempts=1",
					"spring.main.web-application-type=none" })
	class WithProperties {

		@DynamicPropertySource
		static void configuredClient(DynamicPropertyRegistry registry) {
			registry.add("together.sandbox.base-url", () -> EmulatorTestApplication.UNREACHABLE_BASE_URL);
		}

		@Test
		void targetsTheConfiguredUrl(@Autowired ApplicationContext context, @Autowired TogetherSandbox client) {
			assertTargetsTheConfiguredUrl(context, client);
		}

	}

	@Nested
	@SpringBootTest(classes = EmulatorTestApplication.class,
			properties = { "together.sandbox.retry.max-attempts=1", "spring.main.web-application-type=none" })
	@ContextConfiguration(initializers = FakeEnvironmentVariables.class)
	class WithEnvironmentVariables {

		@Test
		void targetsTheConfiguredUrl(@Autowired ApplicationContext context, @Autowired TogetherSandbox client) {
			assertTargetsTheConfiguredUrl(context, client);
		}

	}

	@Nested
	@SpringBootTest(classes = EmulatorTestApplication.class,
			properties = { "together.sandbox.retry.max-attempts=1", "spring.main.web-application-type=none" })
	@ContextConfiguration(initializers = FakeEnvironmentVariables.class)
	@AutoConfigureTogetherSandboxEmulator(replace = AutoConfigureTogetherSandboxEmulator.Replace.NONE)
	class WithReplaceNone {

		@Test
		void targetsTheConfiguredUrl(@Autowired ApplicationContext context, @Autowired TogetherSandbox client) {
			assertTargetsTheConfiguredUrl(context, client);
		}

	}

}
