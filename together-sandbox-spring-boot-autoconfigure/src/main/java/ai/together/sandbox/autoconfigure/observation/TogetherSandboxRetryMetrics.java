package ai.together.sandbox.autoconfigure.observation;

import java.util.Objects;

import ai.together.sandbox.observation.DefaultTogetherSandboxClientObservationConvention;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.retry.RetryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Counts the client's retries in the {@value #METRIC_NAME} counter, one increment per retry,
 * tagged with the {@code operation} retried, the {@code status} of the failed attempt (the HTTP
 * status, or {@code none} when no response was received) and its {@code outcome}
 * ({@code client_error}, {@code server_error}, {@code io_error} or {@code unknown}, as in
 * {@code together.sandbox.client.requests}). Register it with the client builder's
 * {@code retryListener(...)}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class TogetherSandboxRetryMetrics implements RetryListener {

	/** The name of the counter. */
	public static final String METRIC_NAME = "together.sandbox.client.retries";

	private static final String DESCRIPTION = "Retries of Together Sandbox client calls";

	private final MeterRegistry registry;

	/**
	 * Creates the listener.
	 * @param registry where the counter is registered
	 */
	public TogetherSandboxRetryMetrics(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void onRetry(RetryContext context) {
		Tags tags = Tags.of("operation", context.operation(), "status",
				DefaultTogetherSandboxClientObservationConvention.statusOf(context.status()), "outcome",
				DefaultTogetherSandboxClientObservationConvention.outcomeOf(context.error()));
		Counter.builder(METRIC_NAME).description(DESCRIPTION).tags(tags).register(this.registry).increment();
	}

}
