package ai.together.sandbox.autoconfigure;

/**
 * Thrown when the client is to be auto-configured but no API key is configured and the embedded
 * emulator is not in use. {@link MissingApiKeyFailureAnalyzer} explains it at startup.
 *
 * @author together-sandbox-java
 */
class MissingApiKeyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String emulatorState;

	/**
	 * Creates the exception.
	 * @param emulatorState why the embedded emulator did not start, as a sentence
	 */
	MissingApiKeyException(String emulatorState) {
		super("No API key is configured for the Together Sandbox client");
		this.emulatorState = emulatorState;
	}

	/**
	 * Returns why the embedded emulator did not start.
	 * @return the explanation
	 */
	String getEmulatorState() {
		return this.emulatorState;
	}

}
