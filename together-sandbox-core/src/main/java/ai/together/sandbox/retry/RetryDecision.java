package ai.together.sandbox.retry;

import java.time.Duration;
import java.util.Objects;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RetryConfig#shouldRetry() shouldRetry} callback decided for a failed attempt:
 * stop, retry after the default delay, or retry after a delay of its own choosing. The Java form
 * of the Python SDK's {@code False} / {@code True} / {@code float} return values.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RetryDecision {

	private static final RetryDecision STOP = new RetryDecision(false, null);

	private static final RetryDecision RETRY = new RetryDecision(true, null);

	private final boolean retry;

	private final @Nullable Duration delay;

	private RetryDecision(boolean retry, @Nullable Duration delay) {
		this.retry = retry;
		this.delay = delay;
	}

	/**
	 * Give up: the failed attempt's exception is thrown to the caller.
	 * @return the stop decision
	 */
	public static RetryDecision stop() {
		return STOP;
	}

	/**
	 * Retry after the default (backoff) delay.
	 * @return the retry decision
	 */
	public static RetryDecision retry() {
		return RETRY;
	}

	/**
	 * Retry after the given delay instead of the default one.
	 * @param delay the delay, zero or positive
	 * @return the retry decision
	 */
	public static RetryDecision retryAfter(Duration delay) {
		Args.notNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, was " + delay);
		}
		return new RetryDecision(true, delay);
	}

	/**
	 * Shorthand for {@link #retry()} when {@code retry} is true, else {@link #stop()}.
	 * @param retry whether to retry
	 * @return the decision
	 */
	public static RetryDecision of(boolean retry) {
		return retry ? RETRY : STOP;
	}

	/**
	 * Whether the call is retried.
	 * @return {@code true} to retry
	 */
	public boolean isRetry() {
		return this.retry;
	}

	/**
	 * The delay chosen by the callback, or {@code null} to use the default delay.
	 * @return the custom delay, or {@code null}
	 */
	public @Nullable Duration delay() {
		return this.delay;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof RetryDecision that && this.retry == that.retry && Objects.equals(this.delay, that.delay);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.retry, this.delay);
	}

	@Override
	public String toString() {
		return !this.retry ? "RetryDecision[stop]"
				: (this.delay != null) ? "RetryDecision[retryAfter=" + this.delay + "]" : "RetryDecision[retry]";
	}

}
