package ai.together.sandbox.errors;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a lifecycle operation (start, hibernate, shutdown) completed on the wire but the
 * sandbox settled in a status other than the one the operation aims for, or when a started
 * sandbox has no agent connection details.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class SandboxLifecycleException extends TogetherSandboxException {

	private static final long serialVersionUID = 1L;

	private final String sandboxId;

	private final @Nullable String finalStatus;

	/**
	 * Creates the exception.
	 * @param message what failed
	 * @param sandboxId the sandbox concerned
	 * @param finalStatus the status the sandbox settled in, if known
	 */
	public SandboxLifecycleException(String message, String sandboxId, @Nullable String finalStatus) {
		super(message);
		this.sandboxId = sandboxId;
		this.finalStatus = finalStatus;
	}

	/**
	 * Returns the id of the sandbox concerned.
	 * @return the sandbox id
	 */
	public String sandboxId() {
		return this.sandboxId;
	}

	/**
	 * Returns the status the sandbox settled in (for example {@code stopped}), or {@code null}
	 * when the failure is not about the status.
	 * @return the final status, or {@code null}
	 */
	public @Nullable String finalStatus() {
		return this.finalStatus;
	}

}
