package ai.together.sandbox.test;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With an API key, an unreachable base URL and {@code mode=never} configured (as inline test
 * properties and as dynamic ones, which outrank application files and environment variables),
 * the annotation still runs the test against the emulator.
 */
@SpringBootTest(classes = EmulatorTestApplication.class,
		properties = { "together.sandbox.api-key=" + EmulatorTestApplication.CONFIGURED_API_KEY,
				"together.sandbox.emulator.mode=never", "together.sandbox.retry.max-attempts=1",
				"spring.main.web-application-type=none" })
@AutoConfigureTogetherSandboxEmulator(snapshotAliases = { "my-app@v1", "team@latest" })
class AutoConfigureTogetherSandboxEmulatorTests {

	@DynamicPropertySource
	static void configuredClient(DynamicPropertyRegistry registry) {
		registry.add("together.sandbox.base-url", () -> EmulatorTestApplication.UNREACHABLE_BASE_URL);
		registry.add("together.sandbox.emulator.mode", () -> "never");
	}

	@Autowired
	private TogetherSandbox client;

	@Autowired
	private ReactiveTogetherSandbox reactiveClient;

	@Autowired
	private SandboxEmulator emulator;

	@Test
	void bothClientsTalkToTheInjectedEmulatorNotToTheConfiguredUrl() {
		assertThat(this.emulator.baseUrl()).startsWith("http://127.0.0.1:")
			.isNotEqualTo(EmulatorTestApplication.UNREACHABLE_BASE_URL);
		assertThat(this.client.baseUrl()).isEqualTo(this.emulator.baseUrl());
		assertThat(this.reactiveClient.baseUrl()).isEqualTo(this.emulator.baseUrl());
		// A real, authenticated call, answered by the emulator (the configured URL refuses it).
		assertThat(this.client.sandboxes().list()).isNotNull();
	}

	@Test
	void createsASandboxFromAnAliasOfTheAnnotationThenWritesAndReadsAFile() {
		SandboxInfo created = this.client.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"));
		try {
			Sandbox sandbox = this.client.sandboxes().start(created.id());
			sandbox.files().create("/app/hello.txt", "hello from the test");
			assertThat(sandbox.files().read("/app/hello.txt")).isEqualTo("hello from the test");
		}
		finally {
			this.client.sandboxes().delete(created.id());
		}
	}

	@Test
	void registersEverySnapshotAliasOfTheAnnotation() {
		String first = this.client.snapshots().getByAlias("my-app@v1").id();
		String second = this.client.snapshots().getByAlias("team@latest").id();
		assertThat(first).isNotBlank().isNotEqualTo(second);
	}

}
