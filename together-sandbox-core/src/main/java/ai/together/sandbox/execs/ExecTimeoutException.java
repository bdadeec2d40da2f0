package ai.together.sandbox.execs;

import java.time.Duration;

import ai.together.sandbox.errors.TogetherSandboxException;
import org.jspecify.annotations.Nullable;

/**
 * {@code execs().run(..)} did not see its command exit within the timeout. The exec, if it had
 * been created, was deleted (which kills its process).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class ExecTimeoutException extends TogetherSandboxException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String execId;

	private final Duration timeout;

	/**
	 * Creates the exception.
	 * @param message what timed out
	 * @param execId the id of the exec, or {@code null} when it had not been created yet
	 * @param timeout the timeout that elapsed
	 */
	public ExecTimeoutException(String message, @Nullable String execId, Duration timeout) {
		super(message);
		this.execId = execId;
		this.timeout = timeout;
	}

	/**
	 * Returns the id of the exec, or {@code null} when the timeout elapsed before it was created.
	 * @return the exec id, or {@code null}
	 */
	public @Nullable String execId() {
		return this.execId;
	}

	/**
	 * Returns the timeout that elapsed.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
