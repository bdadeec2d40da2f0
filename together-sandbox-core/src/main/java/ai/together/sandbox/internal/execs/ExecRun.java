package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The orchestration of {@code run()}: creates the exec, collects its output stream until the
 * exit message ({@link RunCollector}), and kills it when the timeout elapses first
 * ({@link RunTimeout}). The calls themselves are the namespace's own, passed in, so that each
 * is defined once.
 */
public final class ExecRun {

	private ExecRun() {
	}

	/**
	 * Runs a command to completion; the arguments are already checked.
	 * @param request what to run
	 * @param timeout how long to wait for the exit, counted from subscription
	 * @param create creates the exec ({@code execs.create})
	 * @param streamOutput streams an exec's output from its beginning, resuming after dropped
	 * connections ({@code execs.streamOutput})
	 * @param delete deletes an exec by id ({@code execs.delete})
	 * @param sandboxClosed whether the sandbox was closed (which ends the stream early)
	 * @return the exit code and output, or an {@code ExecTimeoutException}
	 */
	public static Mono<ExecResult> run(ExecRequest request, Duration timeout,
			Function<ExecRequest, Mono<ExecItem>> create, Function<String, Flux<ExecOutput>> streamOutput,
			Function<String, Mono<Void>> delete, BooleanSupplier sandboxClosed) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			AtomicReference<@Nullable String> createdId = new AtomicReference<>();
			Mono<ExecResult> completion = create.apply(request).flatMap((exec) -> {
				createdId.set(exec.id());
				return RunCollector.collect(streamOutput.apply(exec.id()),
						"execs.run " + Repr.context("id", exec.id()), exec.id(), started, sandboxClosed);
			});
			return completion.timeout(timeout,
					Mono.defer(() -> RunTimeout.kill(request, createdId.get(), timeout, delete)));
		});
	}

}
