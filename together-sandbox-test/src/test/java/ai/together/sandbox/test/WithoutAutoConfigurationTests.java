package ai.together.sandbox.test;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a test whose configuration enables no auto-configuration (as a test slice's), the annotation
 * imports the client's auto-configuration itself.
 */
@SpringBootTest(classes = WithoutAutoConfigurationTests.PlainConfiguration.class,
		properties = { "together.sandbox.api-key=" + EmulatorTestApplication.CONFIGURED_API_KEY,
				"spring.main.web-application-type=none" })
@AutoConfigureTogetherSandboxEmulator
class WithoutAutoConfigurationTests {

	@Test
	void importsTheClientAndTheEmulator(@Autowired TogetherSandbox client, @Autowired SandboxEmulator emulator) {
		assertThat(client.baseUrl()).isEqualTo(emulator.baseUrl());
		assertThat(client.sandboxes().list()).isNotNull();
	}

	@Configuration(proxyBeanMethods = false)
	static class PlainConfiguration {

	}

}
