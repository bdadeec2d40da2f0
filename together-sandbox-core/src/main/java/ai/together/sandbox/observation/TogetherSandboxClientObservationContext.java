package ai.together.sandbox.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code together.sandbox.client.requests} observation knows about one call of the
 * client: the operation, the sandbox it addresses, the last HTTP status, how many attempts ran
 * and whether it was cancelled. The error, if any, is {@link #getError()}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class TogetherSandboxClientObservationContext extends Observation.Context {

	private final String operation;

	private final @Nullable String sandboxId;

	private volatile @Nullable Integer status;

	private volatile int attempts;

	private volatile boolean cancelled;

	/**
	 * Creates a context.
	 * @param operation the operation name, for example {@code sandboxes.start}
	 * @param sandboxId the id of the sandbox the call addresses, or {@code null}
	 */
	public TogetherSandboxClientObservationContext(String operation, @Nullable String sandboxId) {
		this.operation = Objects.requireNonNull(operation, "operation");
		this.sandboxId = sandboxId;
	}

	/**
	 * Returns the operation name, for example {@code sandboxes.start} or {@code files.read}.
	 * @return the operation name
	 */
	public String getOperation() {
		return this.operation;
	}

	/**
	 * Returns the id of the sandbox the call addresses, if known.
	 * @return the sandbox id, or {@code null}
	 */
	public @Nullable String getSandboxId() {
		return this.sandboxId;
	}

	/**
	 * Returns the HTTP status of the last response: the successful one, or the error status of
	 * the final failure; {@code 0} when the final failure received no response, {@code null}
	 * when nothing is known yet or the failure was not an HTTP failure.
	 * @return the status, or {@code null}
	 */
	public @Nullable Integer getStatus() {
		return this.status;
	}

	/**
	 * Records the HTTP status of the last response.
	 * @param status the status, or {@code null}
	 */
	public void setStatus(@Nullable Integer status) {
		this.status = status;
	}

	/**
	 * Returns how many attempts the call made so far.
	 * @return the number of attempts
	 */
	public int getAttempts() {
		return this.attempts;
	}

	/**
	 * Records the start of one more attempt.
	 */
	public void attemptStarted() {
		this.attempts++;
	}

	/**
	 * Returns whether the caller cancelled the call before it ended.
	 * @return whether the call was cancelled
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Records that the caller cancelled the call.
	 * @param cancelled whether the call was cancelled
	 */
	public void setCancelled(boolean cancelled) {
		this.cancelled = cancelled;
	}

}
