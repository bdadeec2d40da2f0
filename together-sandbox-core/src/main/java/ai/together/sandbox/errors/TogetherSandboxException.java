package ai.together.sandbox.errors;

import org.jspecify.annotations.Nullable;

/**
 * Base class of every exception the Together Sandbox client throws for a failed operation.
 * Unchecked, like the rest of Spring's data access and HTTP client exceptions.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class TogetherSandboxException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what failed
	 */
	public TogetherSandboxException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and its cause.
	 * @param message what failed
	 * @param cause the underlying failure
	 */
	public TogetherSandboxException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
