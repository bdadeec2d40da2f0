package ai.together.sandbox.test;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import ai.together.sandbox.emulator.SandboxEmulator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection details that the application defines as a bean (as a {@code @ServiceConnection}
 * does) are replaced by the emulator's with {@code replace = ANY}, and kept without the
 * annotation.
 */
class ApplicationConnectionDetailsTests {

	@Nested
	@SpringBootTest(classes = ApplicationWithConnectionDetails.class,
			properties = { "together.sandbox.retry.max-attempts=1", "spring.main.web-application-type=none" })
	@AutoConfigureTogetherSandboxEmulator(snapshotAliases = "my-app@v1")
	class Annotated {

		@Test
		void replacesThemWithTheEmulators(@Autowired TogetherSandbox client, @Autowired SandboxEmulator emulator,
				@Autowired TogetherSandboxConnectionDetails details) {
			assertThat(details.getBaseUrl()).isEqualTo(emulator.baseUrl());
			assertThat(details.getApiKey()).isEqualTo(emulator.apiKey())
				.isNotEqualTo(EmulatorTestApplication.CONFIGURED_API_KEY);
			assertThat(client.baseUrl()).isEqualTo(emulator.baseUrl());
			// The aliases of the annotation apply to this emulator too.
			assertThat(client.snapshots().getByAlias("my-app@v1").id()).isNotBlank();
		}

	}

	@Nested
	@SpringBootTest(classes = ApplicationWithConnectionDetails.class,
			properties = { "together.sandbox.retry.max-attempts=1", "spring.main.web-application-type=none" })
	class NotAnnotated {

		@Test
		void keepsThem(@Autowired ApplicationContext context, @Autowired TogetherSandbox client) {
			assertThat(context.getBeanNamesForType(SandboxEmulator.class)).isEmpty();
			assertThat(client.baseUrl()).isEqualTo(EmulatorTestApplication.UNREACHABLE_BASE_URL);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ApplicationWithConnectionDetails {

		@Bean
		TogetherSandboxConnectionDetails accountConnectionDetails() {
			return new TogetherSandboxConnectionDetails() {

				@Override
				public String getApiKey() {
					return EmulatorTestApplication.CONFIGURED_API_KEY;
				}

				@Override
				public String getBaseUrl() {
					return EmulatorTestApplication.UNREACHABLE_BASE_URL;
				}

			};
		}

	}

}
