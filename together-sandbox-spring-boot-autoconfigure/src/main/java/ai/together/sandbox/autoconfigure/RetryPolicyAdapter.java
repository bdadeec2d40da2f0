package ai.together.sandbox.autoconfigure;

import java.time.Duration;

import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryDecision;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Adapts a Spring Framework {@link RetryPolicy} to the client's {@link RetryConfig}, so that an
 * application's retry policy drives the client's own retry engine:
 * <ul>
 * <li>{@link RetryPolicy#shouldRetry(Throwable)} becomes the {@code shouldRetry} decision (it
 * replaces the status and transport-error rules);</li>
 * <li>an {@link ExponentialBackOff} (what {@code RetryPolicy.builder()} creates) gives the maximum
 * attempts (its max attempts + 1), initial delay, multiplier, jitter and maximum delay;</li>
 * <li>a {@link FixedBackOff} gives the maximum attempts and a constant delay;</li>
 * <li>any other {@link BackOff} gives the delay before each retry, and stops retrying when it
 * returns {@link BackOffExecution#STOP}; the maximum attempts then stay those of the
 * properties.</li>
 * </ul>
 * {@link RetryPolicy#getTimeout()} is not mapped: the client bounds each attempt with its
 * response timeout instead.
 *
 * @author together-sandbox-java
 */
final class RetryPolicyAdapter {

	private RetryPolicyAdapter() {
	}

	/**
	 * Applies a retry policy on top of a configuration.
	 * @param base the configuration from the properties
	 * @param policy the application's policy
	 * @return the adapted configuration
	 */
	static RetryConfig adapt(RetryConfig base, RetryPolicy policy) {
		RetryConfig.Builder builder = base.toBuilder();
		BackOff backOff = policy.getBackOff();
		if (backOff instanceof ExponentialBackOff exponential) {
			builder.maxAttempts(attempts(exponential.getMaxAttempts()))
				.initialDelay(Duration.ofMillis(exponential.getInitialInterval()))
				.multiplier(Math.max(1.0, exponential.getMultiplier()))
				.jitter(Duration.ofMillis(exponential.getJitter()))
				.maxDelay(Duration.ofMillis(exponential.getMaxInterval()));
			return builder.shouldRetryIf((context) -> policy.shouldRetry(context.error())).build();
		}
		if (backOff instanceof FixedBackOff fixed) {
			builder.maxAttempts(attempts(fixed.getMaxAttempts()))
				.initialDelay(Duration.ofMillis(fixed.getInterval()))
				.multiplier(1.0)
				.jitter(Duration.ZERO)
				.maxDelay(Duration.ofMillis(fixed.getInterval()));
			return builder.shouldRetryIf((context) -> policy.shouldRetry(context.error())).build();
		}
		return builder.shouldRetry((context) -> {
			if (!policy.shouldRetry(context.error())) {
				return RetryDecision.stop();
			}
			// A BackOff keeps its state in an execution; replaying it up to the failed attempt
			// gives this attempt's delay without sharing state between concurrent calls.
			BackOffExecution execution = backOff.start();
			long delay = BackOffExecution.STOP;
			for (int i = 0; i < context.attempt(); i++) {
				delay = execution.nextBackOff();
				if (delay == BackOffExecution.STOP) {
					return RetryDecision.stop();
				}
			}
			return RetryDecision.retryAfter(Duration.ofMillis(delay));
		}).build();
	}

	private static int attempts(long maxRetries) {
		// The back-offs count retries; RetryConfig counts attempts, the first included.
		return (int) Math.min(Integer.MAX_VALUE, Math.max(0, maxRetries) + 1L);
	}

}
