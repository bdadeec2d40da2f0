package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import ai.together.sandbox.execs.ExecResult;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Accumulates the output of {@code run()} into its result: standard output and error, the exit
 * code and the time from the start of the run to the exit message.
 */
final class RunCollector {

	private final StringBuilder stdout = new StringBuilder();

	private final StringBuilder stderr = new StringBuilder();

	private @Nullable Integer exitCode;

	private long exitNanos;

	private RunCollector() {
	}

	/**
	 * Collects an output stream into the run's result.
	 * @param output the output, ending with the exit message
	 * @param prefix the start of error messages ({@code execs.run for id 'x'})
	 * @param id the exec id
	 * @param started when the run started, in {@link System#nanoTime()} terms
	 * @param sandboxClosed whether the sandbox was closed (which ends the stream early)
	 * @return the result, or an error when the stream ended before the exit message
	 */
	static Mono<ExecResult> collect(Flux<ExecOutput> output, String prefix, String id, long started,
			BooleanSupplier sandboxClosed) {
		return output.reduce(new RunCollector(), RunCollector::add).flatMap((collected) -> {
			Integer exitCode = collected.exitCode;
			if (exitCode == null) {
				String why = sandboxClosed.getAsBoolean() ? "the sandbox was closed" : "the output stream ended";
				return Mono.error(new TogetherSandboxException(prefix + ": " + why + " before the command exited"));
			}
			Duration duration = Duration.ofNanos(collected.exitNanos - started);
			return Mono.just(new ExecResult(id, exitCode, collected.stdout.toString(), collected.stderr.toString(),
					duration));
		});
	}

	private RunCollector add(ExecOutput output) {
		(ExecOutputType.STDERR.equals(output.type()) ? this.stderr : this.stdout).append(output.output());
		if (output.exitCode() != null) {
			this.exitCode = output.exitCode();
			this.exitNanos = System.nanoTime();
		}
		return this;
	}

}
