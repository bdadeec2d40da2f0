package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecOutput;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The resume policy of one exec output stream: remembers the last sequence number delivered,
 * reconnects after a dropped connection from there (so every message is delivered exactly once),
 * and gives up after {@value #MAX_CONSECUTIVE_RECONNECTS} reconnects in a row that bring
 * nothing new. An idle stream reconnects without counting against that limit. One instance per
 * subscription; {@link #stream} makes one for each.
 */
public final class OutputResume {

	/** How many times in a row the stream reconnects without receiving new output. */
	public static final int MAX_CONSECUTIVE_RECONNECTS = 3;

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

	private final String context;

	private volatile @Nullable Integer last;

	/**
	 * Streams an exec's output under this policy, with a fresh policy for each subscription.
	 * @param context the context of error messages
	 * @param start the sequence number to start after, or {@code null} for the beginning
	 * @param connect opens one connection after the given sequence number ({@code null} for the
	 * beginning): the one definition of the stream call
	 * @return the output messages, ending with the exit message
	 */
	public static Flux<ExecOutput> stream(String context, @Nullable Integer start,
			Function<@Nullable Integer, Flux<ExecOutput>> connect) {
		return Flux.defer(() -> new OutputResume(context, start).resume(connect));
	}

	/**
	 * Starts the policy of one subscription.
	 * @param context the context of error messages
	 * @param start the sequence number to start after, or {@code null} for the beginning
	 */
	private OutputResume(String context, @Nullable Integer start) {
		this.context = context;
		this.last = start;
	}

	/**
	 * Streams the output, connecting (and reconnecting) with the last sequence number delivered.
	 * @param connect opens one connection after the given sequence number ({@code null} for the
	 * beginning)
	 * @return the output messages, ending with the exit message
	 */
	private Flux<ExecOutput> resume(Function<@Nullable Integer, Flux<ExecOutput>> connect) {
		Flux<ExecOutput> connection = Flux.defer(() -> connect.apply(this.last))
			// An idle stream may be a dead connection: reconnect at once, from the last message
			// delivered. This is not counted against the reconnect limit below, so a command
			// that prints nothing for hours is not given up on; each such reconnect has waited
			// a whole idle timeout, so it can never loop fast.
			.retryWhen(Retry.indefinitely().filter(OutputResume::isIdleTimeout));
		return connection.filter(this::isNew)
			.doOnNext(this::advance)
			// Ending without the exit message is a dropped connection: reconnect.
			.concatWith(Mono.error(PrematureEnd::new))
			.retryWhen(reconnects())
			.takeUntil(ExecOutput::isExit);
	}

	private boolean isNew(ExecOutput output) {
		Integer current = this.last;
		return current == null || output.sequence() > current;
	}

	private void advance(ExecOutput output) {
		this.last = output.sequence();
	}

	private Retry reconnects() {
		int limit = MAX_CONSECUTIVE_RECONNECTS;
		return Retry.backoff(limit, FIRST_RECONNECT_DELAY)
			.maxBackoff(MAX_RECONNECT_DELAY)
			// Count only reconnects in a row: receiving a message resets the budget.
			.transientErrors(true)
			.filter(OutputResume::isDroppedConnection)
			.onRetryExhaustedThrow((spec, signal) -> new TogetherSandboxException("execs.streamOutput " + this.context
					+ ": the connection dropped and " + limit
					+ " reconnects in a row brought no new output (last sequence delivered: " + this.last
					+ "); last failure: " + signal.failure().getMessage(),
					signal.failure()));
	}

	private static boolean isIdleTimeout(Throwable error) {
		// Streams have no response timeout: a timeout on one is its idle timeout.
		return error instanceof HttpException http && http.isTransportFailure()
				&& http.getCause() instanceof TimeoutException;
	}

	private static boolean isDroppedConnection(Throwable error) {
		return error instanceof PrematureEnd
				|| (error instanceof HttpException http && http.isTransportFailure());
	}

	/** The server ended an output stream before the exit message. */
	private static final class PrematureEnd extends TogetherSandboxException {

		private static final long serialVersionUID = 1L;

		PrematureEnd() {
			super("the server ended the output stream before the exit message");
		}

	}

}
