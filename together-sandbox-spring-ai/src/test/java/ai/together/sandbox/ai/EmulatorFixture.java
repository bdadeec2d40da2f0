package ai.together.sandbox.ai;

import java.util.List;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.SandboxStatus;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An emulator outside the application contexts of a test class (so that a test can look at the
 * sandboxes after its context closed), and a context runner pointed at it.
 */
final class EmulatorFixture implements AutoCloseable {

	static final String API_KEY = "test-api-key-3f9c1e7a5b2d4c6e";

	static final String ALIAS = "sandbox-ai-test@v1";

	private final SandboxEmulator emulator;

	private final TogetherSandbox client;

	EmulatorFixture() {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder()
			.bindAddress("127.0.0.1")
			.port(0)
			.apiKey(API_KEY)
			.snapshotAliases(List.of(ALIAS))
			.build());
		this.client = TogetherSandbox.builder().apiKey(API_KEY).baseUrl(this.emulator.baseUrl()).build();
	}

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TogetherSandboxAutoConfiguration.class, SandboxToolsAutoConfiguration.class))
			.withPropertyValues("together.sandbox.api-key=" + API_KEY,
					"together.sandbox.base-url=" + this.emulator.baseUrl(), "together.sandbox.emulator.mode=never",
					"together.sandbox.ai.snapshot-alias=" + ALIAS);
	}

	SandboxStatus status(String sandboxId) {
		return this.client.sandboxes().get(sandboxId).status();
	}

	@Override
	public void close() {
		this.client.close();
		this.emulator.close();
	}

}
