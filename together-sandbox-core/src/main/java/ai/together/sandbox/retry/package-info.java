/**
 * Retry configuration of non-streaming calls: {@link ai.together.sandbox.retry.RetryConfig}
 * (attempts, retried statuses, backoff), the per-failure
 * {@link ai.together.sandbox.retry.RetryDecision} of a {@code shouldRetry} hook, the
 * {@link ai.together.sandbox.retry.RetryContext} it sees, and
 * {@link ai.together.sandbox.retry.RetryListener}s called before each retry.
 */
@NullMarked
package ai.together.sandbox.retry;

import org.jspecify.annotations.NullMarked;
