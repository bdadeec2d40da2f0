package ai.together.sandbox.retry;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * How the client retries failed calls. Immutable; build one with {@link #builder()}.
 * <p>
 * By default every non-streaming call is attempted up to 3 times. A failure is retried when it
 * is a transport failure ({@link HttpException#status()} {@code 0}) or has one of the statuses
 * 408, 429, 500, 502, 503 and 504. The delay before attempt {@code n + 1} is
 * {@code initialDelay × multiplier^(n-1)} plus a random jitter of up to {@code jitter}
 * (0.5 s, 1 s, … plus up to 0.25 s), at least the server's {@code Retry-After} when it sent one,
 * and at most {@code maxDelay}.
 * <p>
 * A {@link Builder#shouldRetry(Function) shouldRetry} callback replaces the default decision
 * entirely (it may retry a 400 or stop on a 503) and may choose the delay; an
 * {@link Builder#onRetry(Consumer) onRetry} callback runs before each retry (never after the final
 * failure). Callbacks run on the thread that observed the failure: keep them fast and
 * non-blocking, or use the {@code …Async} variants.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RetryConfig {

	/** The statuses retried by default: 408, 429, 500, 502, 503, 504. */
	public static final Set<Integer> DEFAULT_RETRYABLE_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

	private static final RetryConfig DEFAULTS = builder().build();

	private final int maxAttempts;

	private final Duration initialDelay;

	private final double multiplier;

	private final Duration jitter;

	private final Duration maxDelay;

	private final Set<Integer> retryableStatuses;

	private final boolean retryTransportErrors;

	private final Set<String> excludedOperations;

	private final @Nullable Function<RetryContext, CompletionStage<RetryDecision>> shouldRetry;

	private final @Nullable Function<RetryContext, CompletionStage<?>> onRetry;

	private RetryConfig(Builder builder) {
		this.maxAttempts = builder.maxAttempts;
		this.initialDelay = builder.initialDelay;
		this.multiplier = builder.multiplier;
		this.jitter = builder.jitter;
		this.maxDelay = builder.maxDelay;
		this.retryableStatuses = Set.copyOf(builder.retryableStatuses);
		this.retryTransportErrors = builder.retryTransportErrors;
		this.excludedOperations = Set.copyOf(builder.excludedOperations);
		this.shouldRetry = builder.shouldRetry;
		this.onRetry = builder.onRetry;
	}

	/**
	 * Returns the default configuration (3 attempts, the seed's statuses and backoff).
	 * @return the defaults
	 */
	public static RetryConfig defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a configuration that never retries ({@code maxAttempts = 1}).
	 * @return a configuration without retries
	 */
	public static RetryConfig disabled() {
		return builder().maxAttempts(1).build();
	}

	/**
	 * Starts a builder with the default values.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a builder initialised from this configuration.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Total number of attempts, including the first ({@code 1} disables retries).
	 * @return the maximum number of attempts
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Delay before the second attempt (before jitter).
	 * @return the initial delay
	 */
	public Duration initialDelay() {
		return this.initialDelay;
	}

	/**
	 * Factor applied to the delay after each failed attempt.
	 * @return the backoff multiplier
	 */
	public double multiplier() {
		return this.multiplier;
	}

	/**
	 * Upper bound of the random delay added to each backoff delay.
	 * @return the maximum jitter
	 */
	public Duration jitter() {
		return this.jitter;
	}

	/**
	 * Upper bound of any default delay, including one asked for by {@code Retry-After}.
	 * @return the maximum delay
	 */
	public Duration maxDelay() {
		return this.maxDelay;
	}

	/**
	 * HTTP statuses retried when no {@code shouldRetry} callback is set.
	 * @return the retryable statuses
	 */
	public Set<Integer> retryableStatuses() {
		return this.retryableStatuses;
	}

	/**
	 * Whether transport failures (status {@code 0}) are retried when no {@code shouldRetry}
	 * callback is set.
	 * @return whether transport failures are retried
	 */
	public boolean retryTransportErrors() {
		return this.retryTransportErrors;
	}

	/**
	 * Operations (for example {@code snapshots.create}) never retried when no
	 * {@code shouldRetry} callback is set.
	 * @return the excluded operation names
	 */
	public Set<String> excludedOperations() {
		return this.excludedOperations;
	}

	/**
	 * The callback that replaces the default retry decision, if any.
	 * @return the callback, or {@code null}
	 */
	public @Nullable Function<RetryContext, CompletionStage<RetryDecision>> shouldRetry() {
		return this.shouldRetry;
	}

	/**
	 * The callback run before each retry, if any.
	 * @return the callback, or {@code null}
	 */
	public @Nullable Function<RetryContext, CompletionStage<?>> onRetry() {
		return this.onRetry;
	}

	/**
	 * Applies the default retry rule (used when no {@code shouldRetry} callback is set) to a
	 * failure of an HTTP call.
	 * @param operation the operation name
	 * @param status the HTTP status, {@code 0} for a transport failure, {@code null} for a failure
	 * that is not an HTTP failure
	 * @return whether the failure is retried by default
	 */
	public boolean isRetryableByDefault(String operation, @Nullable Integer status) {
		if (this.excludedOperations.contains(operation) || status == null) {
			return false;
		}
		return (status == HttpException.TRANSPORT_FAILURE) ? this.retryTransportErrors
				: this.retryableStatuses.contains(status);
	}

	@Override
	public String toString() {
		return "RetryConfig[maxAttempts=" + this.maxAttempts + ", initialDelay=" + this.initialDelay + ", multiplier="
				+ this.multiplier + ", jitter=" + this.jitter + ", maxDelay=" + this.maxDelay + ", retryableStatuses="
				+ this.retryableStatuses + ", retryTransportErrors=" + this.retryTransportErrors
				+ ", excludedOperations=" + this.excludedOperations + ", shouldRetry="
				+ (this.shouldRetry != null ? "set" : "none") + ", onRetry=" + (this.onRetry != null ? "set" : "none")
				+ "]";
	}

	/**
	 * Builder of {@link RetryConfig}.
	 */
	public static final class Builder {

		private int maxAttempts = 3;

		private Duration initialDelay = Duration.ofMillis(500);

		private double multiplier = 2.0;

		private Duration jitter = Duration.ofMillis(250);

		private Duration maxDelay = Duration.ofSeconds(30);

		private Set<Integer> retryableStatuses = DEFAULT_RETRYABLE_STATUSES;

		private boolean retryTransportErrors = true;

		private Set<String> excludedOperations = Set.of();

		private @Nullable Function<RetryContext, CompletionStage<RetryDecision>> shouldRetry;

		private @Nullable Function<RetryContext, CompletionStage<?>> onRetry;

		private Builder() {
		}

		private Builder(RetryConfig config) {
			this.maxAttempts = config.maxAttempts;
			this.initialDelay = config.initialDelay;
			this.multiplier = config.multiplier;
			this.jitter = config.jitter;
			this.maxDelay = config.maxDelay;
			this.retryableStatuses = config.retryableStatuses;
			this.retryTransportErrors = config.retryTransportErrors;
			this.excludedOperations = config.excludedOperations;
			this.shouldRetry = config.shouldRetry;
			this.onRetry = config.onRetry;
		}

		/**
		 * Total number of attempts including the first; {@code 1} disables retries. Values below
		 * 1 are rejected.
		 * @param maxAttempts the maximum number of attempts
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Delay before the second attempt, before jitter (default 500 ms).
		 * @param initialDelay the initial delay
		 * @return this builder
		 */
		public Builder initialDelay(Duration initialDelay) {
			this.initialDelay = nonNegative(initialDelay, "initialDelay");
			return this;
		}

		/**
		 * Factor applied to the delay after each failed attempt (default 2).
		 * @param multiplier the multiplier, at least 1
		 * @return this builder
		 */
		public Builder multiplier(double multiplier) {
			if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
				throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
			}
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Upper bound of the random delay added to each backoff delay (default 250 ms).
		 * @param jitter the maximum jitter
		 * @return this builder
		 */
		public Builder jitter(Duration jitter) {
			this.jitter = nonNegative(jitter, "jitter");
			return this;
		}

		/**
		 * Upper bound of a default delay, {@code Retry-After} included (default 30 s). A delay
		 * chosen by {@code shouldRetry} is not capped.
		 * @param maxDelay the maximum delay
		 * @return this builder
		 */
		public Builder maxDelay(Duration maxDelay) {
			this.maxDelay = nonNegative(maxDelay, "maxDelay");
			return this;
		}

		/**
		 * HTTP statuses retried by default (default 408, 429, 500, 502, 503, 504).
		 * @param statuses the statuses
		 * @return this builder
		 */
		public Builder retryableStatuses(Collection<Integer> statuses) {
			Args.notNull(statuses, "retryableStatuses");
			for (Integer status : statuses) {
				if (status == null || status < 100 || status > 599) {
					throw new IllegalArgumentException("retryableStatuses must hold HTTP statuses (100-599), had " + status);
				}
			}
			this.retryableStatuses = Set.copyOf(statuses);
			return this;
		}

		/**
		 * Whether transport failures (status 0) are retried by default (default true).
		 * @param retryTransportErrors whether to retry transport failures
		 * @return this builder
		 */
		public Builder retryTransportErrors(boolean retryTransportErrors) {
			this.retryTransportErrors = retryTransportErrors;
			return this;
		}

		/**
		 * Operations never retried by default, for example {@code snapshots.create}, which is not
		 * idempotent.
		 * @param operations the operation names
		 * @return this builder
		 */
		public Builder excludedOperations(Collection<String> operations) {
			Args.notNull(operations, "excludedOperations");
			this.excludedOperations = Set.copyOf(operations);
			return this;
		}

		/**
		 * Replaces the default retry decision. The callback sees the failed attempt with the
		 * default delay and returns {@link RetryDecision#stop()}, {@link RetryDecision#retry()} or
		 * {@link RetryDecision#retryAfter(Duration)}. It is never called for the final attempt.
		 * @param shouldRetry the decision callback
		 * @return this builder
		 */
		public Builder shouldRetry(Function<RetryContext, RetryDecision> shouldRetry) {
			Args.notNull(shouldRetry, "shouldRetry");
			this.shouldRetry = (context) -> CompletableFuture.completedFuture(shouldRetry.apply(context));
			return this;
		}

		/**
		 * Shorthand for {@link #shouldRetry(Function)} with a yes/no answer (default delay).
		 * @param shouldRetry the predicate
		 * @return this builder
		 */
		public Builder shouldRetryIf(Predicate<RetryContext> shouldRetry) {
			Args.notNull(shouldRetry, "shouldRetry");
			return shouldRetry((context) -> RetryDecision.of(shouldRetry.test(context)));
		}

		/**
		 * Asynchronous form of {@link #shouldRetry(Function)}: the retry waits for the stage.
		 * @param shouldRetry the decision callback
		 * @return this builder
		 */
		public Builder shouldRetryAsync(Function<RetryContext, ? extends CompletionStage<RetryDecision>> shouldRetry) {
			Args.notNull(shouldRetry, "shouldRetry");
			this.shouldRetry = shouldRetry::apply;
			return this;
		}

		/**
		 * Called before each retry with the context holding the final delay. Use it for logging
		 * or progress; metrics are recorded by the client's observation support.
		 * @param onRetry the callback
		 * @return this builder
		 */
		public Builder onRetry(Consumer<RetryContext> onRetry) {
			Args.notNull(onRetry, "onRetry");
			this.onRetry = (context) -> {
				onRetry.accept(context);
				return CompletableFuture.completedFuture(null);
			};
			return this;
		}

		/**
		 * Asynchronous form of {@link #onRetry(Consumer)}: the retry waits for the stage.
		 * @param onRetry the callback
		 * @return this builder
		 */
		public Builder onRetryAsync(Function<RetryContext, ? extends CompletionStage<?>> onRetry) {
			Args.notNull(onRetry, "onRetry");
			this.onRetry = onRetry::apply;
			return this;
		}

		/**
		 * Builds the configuration.
		 * @return the configuration
		 */
		public RetryConfig build() {
			return new RetryConfig(this);
		}

		private static Duration nonNegative(Duration value, String name) {
			Args.notNull(value, name);
			if (value.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative, was " + value);
			}
			return value;
		}

	}

}
