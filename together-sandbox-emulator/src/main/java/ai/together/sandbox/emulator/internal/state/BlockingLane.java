package ai.together.sandbox.emulator.internal.state;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The blocking work (file system, processes) of one sandbox, on threads of its own: however
 * long one sandbox's work blocks, the others' goes on. At most {@link #THREADS} operations of a
 * sandbox run at once and at most {@link #QUEUED} wait (more answer 429); one that has not ended
 * within the timeout answers 503.
 */
public final class BlockingLane {

	/** Threads per sandbox. */
	public static final int THREADS = 8;

	/** Operations of a sandbox that may wait for a thread. */
	public static final int QUEUED = 10_000;

	/** How long an operation may take, waiting included, by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private final String name;

	private final Duration timeout;

	private @Nullable Scheduler scheduler;

	private boolean disposed;

	/**
	 * Creates a lane; its threads start with its first operation.
	 * @param name the name of its threads
	 * @param timeout how long an operation may take
	 */
	public BlockingLane(String name, Duration timeout) {
		this.name = name;
		this.timeout = timeout;
	}

	/**
	 * Runs blocking work on this lane.
	 * @param <T> what it makes
	 * @param work the work
	 * @return what the work makes, later
	 */
	public <T> Mono<T> run(Callable<T> work) {
		return Mono.defer(() -> Mono.fromCallable(work).subscribeOn(scheduler()))
			.timeout(this.timeout)
			.onErrorMap(TimeoutException.class,
					ex -> new ApiException(503, "the sandbox is busy: the operation took longer than " + this.timeout.toSeconds() + " s"))
			.onErrorMap(RejectedExecutionException.class,
					ex -> new ApiException(429, "too many operations in progress on the sandbox"));
	}

	private synchronized Scheduler scheduler() {
		if (this.disposed) {
			throw new ApiException(404, "the sandbox is gone");
		}
		if (this.scheduler == null) {
			this.scheduler = Schedulers.newBoundedElastic(THREADS, QUEUED, this.name, 30, true);
		}
		return this.scheduler;
	}

	/** Stops the threads; later operations are refused. */
	public synchronized void dispose() {
		this.disposed = true;
		if (this.scheduler != null) {
			this.scheduler.dispose();
			this.scheduler = null;
		}
	}

}
