package ai.together.sandbox.retry;

import org.jspecify.annotations.Nullable;

/**
 * Observes the client's retries, for metrics and logs. A listener never changes a decision; use
 * {@link RetryConfig.Builder#shouldRetry(java.util.function.Function)} for that. Methods are
 * called on the thread that observed the failure and must not block.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface RetryListener {

	/**
	 * Called before each retry, after the {@code onRetry} callback.
	 * @param context the failed attempt, with the final delay
	 */
	default void onRetry(RetryContext context) {
	}

	/**
	 * Called once when a call ends for good, successfully or not.
	 * @param operation the operation name
	 * @param attempts how many attempts ran
	 * @param error the final error, or {@code null} on success
	 */
	default void onComplete(String operation, int attempts, @Nullable Throwable error) {
	}

}
