package ai.together.sandbox.internal.util;

import java.util.Objects;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where the blocking view waits: for the value of a call, the end of a call, or the next element
 * of a stream. Every wait fails at once, with one message, on a thread that must never block (a
 * Reactor Netty event loop, a parallel or single scheduler thread): waiting there would stall
 * every connection that thread serves, for ever when the awaited result needs that very thread.
 */
public final class Blocking {

	private Blocking() {
	}

	/**
	 * Waits for the value of a call that always produces one.
	 * @param <T> the value type
	 * @param call the call
	 * @return its value
	 * @throws IllegalStateException on a non-blocking thread
	 */
	public static <T> T value(Mono<T> call) {
		refuseNonBlockingThread();
		return Objects.requireNonNull(call.block(), "the call completed without a value");
	}

	/**
	 * Waits until a call has completed.
	 * @param call the call
	 * @throws IllegalStateException on a non-blocking thread
	 */
	public static void await(Mono<?> call) {
		refuseNonBlockingThread();
		call.block();
	}

	/**
	 * Fails when the current thread must not block.
	 * @throws IllegalStateException on a non-blocking thread
	 */
	public static void refuseNonBlockingThread() {
		if (Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("The blocking Together Sandbox client cannot wait on thread '"
					+ Thread.currentThread().getName() + "': it is a non-blocking (Reactor) thread, and waiting there"
					+ " would stall every connection it serves. Use ReactiveTogetherSandbox there (sdk.reactive()),"
					+ " or call the blocking client from a thread that may block (for example through"
					+ " publishOn(Schedulers.boundedElastic())).");
		}
	}

}
