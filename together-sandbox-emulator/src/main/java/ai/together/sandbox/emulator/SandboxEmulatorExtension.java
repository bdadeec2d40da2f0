package ai.together.sandbox.emulator;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a {@link SandboxEmulator} for a test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();
 *
 * @Test
 * void runs() {
 *     TogetherSandbox sdk = TogetherSandbox.builder()
 *         .baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build();
 * }
 * }</pre>
 *
 * Registered on a static field, one emulator serves the whole class; on an instance field, each
 * test gets its own. It is stopped (processes killed, temporary files deleted) afterwards.
 */
public final class SandboxEmulatorExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final EmulatorOptions options;

	private @Nullable SandboxEmulator emulator;

	private boolean perClass;

	/**
	 * Creates the extension with the default options.
	 */
	public SandboxEmulatorExtension() {
		this(EmulatorOptions.defaults());
	}

	/**
	 * Creates the extension.
	 * @param options the emulator settings
	 */
	public SandboxEmulatorExtension(EmulatorOptions options) {
		this.options = options;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.emulator == null) {
			this.emulator = SandboxEmulator.start(this.options);
			this.perClass = true;
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.emulator == null) {
			this.emulator = SandboxEmulator.start(this.options);
			this.perClass = false;
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			stop();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop();
	}

	private void stop() {
		SandboxEmulator running = this.emulator;
		this.emulator = null;
		if (running != null) {
			running.close();
		}
	}

	/**
	 * Returns the running emulator.
	 * @return the emulator
	 * @throws IllegalStateException outside of a test
	 */
	public SandboxEmulator emulator() {
		SandboxEmulator running = this.emulator;
		if (running == null) {
			throw new IllegalStateException("The emulator runs only while a test of its class runs");
		}
		return running;
	}

	/**
	 * Returns the emulator's base URL (without {@code /api/v1}).
	 * @return the base URL
	 */
	public String baseUrl() {
		return emulator().baseUrl();
	}

	/**
	 * Returns the emulator's API key.
	 * @return the API key
	 */
	public String apiKey() {
		return emulator().apiKey();
	}

}
