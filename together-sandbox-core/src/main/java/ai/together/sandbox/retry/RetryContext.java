package ai.together.sandbox.retry;

import java.time.Duration;

import ai.together.sandbox.errors.HttpException;
import org.jspecify.annotations.Nullable;

/**
 * What a retry callback learns about a failed attempt.
 *
 * @param operation the operation that failed, for example {@code sandboxes.start} or
 * {@code files.read}
 * @param attempt the 1-based number of the attempt that just failed
 * @param error the exception the attempt failed with (an {@link HttpException} for HTTP calls)
 * @param status the HTTP status ({@code 0} for transport failures), or {@code null} when the
 * error is not an HTTP failure
 * @param delay the delay before the next attempt: the default backoff when handed to
 * {@code shouldRetry}, the final delay when handed to {@code onRetry}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record RetryContext(String operation, int attempt, Throwable error, @Nullable Integer status, Duration delay) {

	/**
	 * Returns a copy with another delay.
	 * @param delay the new delay
	 * @return the copy
	 */
	public RetryContext withDelay(Duration delay) {
		return new RetryContext(this.operation, this.attempt, this.error, this.status, delay);
	}

}
