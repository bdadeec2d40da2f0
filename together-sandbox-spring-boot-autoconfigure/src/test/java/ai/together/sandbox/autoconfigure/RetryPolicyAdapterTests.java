package ai.together.sandbox.autoconfigure;

import java.time.Duration;
import java.util.List;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.retry.RetryDecision;
import org.junit.jupiter.api.Test;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link RetryPolicyAdapter}.
 */
class RetryPolicyAdapterTests {

	private static final RetryConfig BASE = RetryConfig.builder().maxAttempts(3).build();

	@Test
	void mapsTheExponentialBackOffOfTheBuilder() {
		RetryConfig config = RetryPolicyAdapter.adapt(BASE, RetryPolicy.builder()
			.maxRetries(2)
			.delay(Duration.ofMillis(100))
			.multiplier(3)
			.jitter(Duration.ofMillis(7))
			.maxDelay(Duration.ofSeconds(2))
			.build());
		assertThat(config.maxAttempts()).isEqualTo(3);
		assertThat(config.initialDelay()).isEqualTo(Duration.ofMillis(100));
		assertThat(config.multiplier()).isEqualTo(3.0);
		assertThat(config.jitter()).isEqualTo(Duration.ofMillis(7));
		assertThat(config.maxDelay()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void letsThePolicyDecide() {
		RetryConfig config = RetryPolicyAdapter.adapt(BASE, RetryPolicy.builder()
			.predicate((error) -> error instanceof HttpException http && http.status() == 409)
			.build());
		// A 409 is not retried by default; the policy says it is, and a 503 is not.
		assertThat(decide(config, failure(409))).isEqualTo(RetryDecision.retry());
		assertThat(decide(config, failure(503))).isEqualTo(RetryDecision.stop());
	}

	@Test
	void mapsAFixedBackOff() {
		RetryConfig config = RetryPolicyAdapter.adapt(BASE, new FixedPolicy(new FixedBackOff(40, 6)));
		assertThat(config.maxAttempts()).isEqualTo(7);
		assertThat(config.initialDelay()).isEqualTo(Duration.ofMillis(40));
		assertThat(config.multiplier()).isEqualTo(1.0);
		assertThat(config.jitter()).isZero();
	}

	@Test
	void replaysAnyOtherBackOffForEachAttempt() {
		RetryPolicy policy = new RetryPolicy() {

			@Override
			public boolean shouldRetry(Throwable throwable) {
				return true;
			}

			@Override
			public org.springframework.util.backoff.BackOff getBackOff() {
				return () -> new BackOffExecution() {

					private int calls;

					@Override
					public long nextBackOff() {
						this.calls++;
						return (this.calls <= 2) ? this.calls * 10L : STOP;
					}

				};
			}

		};
		RetryConfig config = RetryPolicyAdapter.adapt(BASE, policy);
		assertThat(config.maxAttempts()).isEqualTo(3);
		assertThat(decide(config, context(1))).isEqualTo(RetryDecision.retryAfter(Duration.ofMillis(10)));
		assertThat(decide(config, context(2))).isEqualTo(RetryDecision.retryAfter(Duration.ofMillis(20)));
		assertThat(decide(config, context(3))).isEqualTo(RetryDecision.stop());
	}

	private static RetryDecision decide(RetryConfig config, RetryContext context) {
		return config.shouldRetry().apply(context).toCompletableFuture().join();
	}

	private static RetryContext failure(int status) {
		HttpException error = new HttpException("failed", status, "sandboxes.get", null, List.of(), null, null);
		return new RetryContext("sandboxes.get", 1, error, status, Duration.ZERO);
	}

	private static RetryContext context(int attempt) {
		HttpException error = new HttpException("failed", 503, "sandboxes.get", null, List.of(), null, null);
		return new RetryContext("sandboxes.get", attempt, error, 503, Duration.ZERO);
	}

	private record FixedPolicy(FixedBackOff backOff) implements RetryPolicy {

		@Override
		public boolean shouldRetry(Throwable throwable) {
			return true;
		}

		@Override
		public org.springframework.util.backoff.BackOff getBackOff() {
			return this.backOff;
		}

	}

}
