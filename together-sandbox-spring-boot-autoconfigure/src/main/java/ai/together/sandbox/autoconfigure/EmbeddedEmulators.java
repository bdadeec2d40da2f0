package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;

/**
 * Starts the embedded emulator from the {@code together.sandbox.emulator.*} properties and gives
 * the client's connection details for it: what the auto-configuration does when it embeds the
 * emulator, for test support that starts one itself. Needs {@code together-sandbox-emulator} on
 * the classpath.
 *
 * @author together-sandbox-java
 */
public final class EmbeddedEmulators {

	private EmbeddedEmulators() {
	}

	/**
	 * Starts an emulator on 127.0.0.1 with its own generated API key, the configured port, data
	 * directory and snapshot aliases.
	 * @param settings the {@code together.sandbox.emulator.*} properties
	 * @return the running emulator (the caller closes it)
	 */
	public static SandboxEmulator start(TogetherSandboxProperties.Emulator settings) {
		return SandboxEmulator.start(EmulatorOptions.builder()
			.port(settings.getPort())
			.bindAddress("127.0.0.1")
			.apiKey(null)
			.dataDirectory(settings.getDataDir())
			.snapshotAliases(settings.getSnapshotAliases().stream().map(String::trim).toList())
			.build());
	}

	/**
	 * Returns the connection details of an emulator: its base URL and its generated key, never a
	 * configured one.
	 * @param emulator the emulator
	 * @return the connection details
	 */
	public static TogetherSandboxConnectionDetails connectionDetails(SandboxEmulator emulator) {
		return new EmulatorConnectionDetails(emulator);
	}

	/**
	 * The connection details of an emulator.
	 */
	private record EmulatorConnectionDetails(SandboxEmulator emulator) implements TogetherSandboxConnectionDetails {

		@Override
		public String getApiKey() {
			return this.emulator.apiKey();
		}

		@Override
		public String getBaseUrl() {
			return this.emulator.baseUrl();
		}

		@Override
		public String toString() {
			return "EmulatorConnectionDetails[baseUrl=" + getBaseUrl() + "]";
		}

	}

}
