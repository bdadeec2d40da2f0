package ai.together.sandbox.errors;

/**
 * Stands in, in the cause chain of an exception of the client, for an exception whose message
 * (or whose own causes) quoted a credential the client knows: its message is the original
 * exception's class name, a colon and the original message with every credential replaced by
 * {@code [REDACTED]}; its stack trace is the original's, and its cause the redacted original
 * cause.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RedactedException extends TogetherSandboxException {

	private static final long serialVersionUID = 1L;

	private final String originalType;

	/**
	 * Creates the stand-in.
	 * @param originalType the class name of the exception it replaces
	 * @param message the redacted message
	 * @param cause the redacted cause, if any
	 */
	public RedactedException(String originalType, String message, @org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause);
		this.originalType = originalType;
	}

	/**
	 * Returns the class name of the exception this one replaces, for example
	 * {@code java.io.IOException}.
	 * @return the original class name
	 */
	public String originalType() {
		return this.originalType;
	}

}
