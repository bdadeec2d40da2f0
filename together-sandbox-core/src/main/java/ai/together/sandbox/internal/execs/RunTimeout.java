package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.function.Function;

import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecTimeoutException;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What {@code run()} does when its command has not exited in time: deletes the exec, which kills
 * its process, rather than leave it running unobserved, and fails with an
 * {@link ExecTimeoutException}.
 */
final class RunTimeout {

	private RunTimeout() {
	}

	/**
	 * Kills the exec, if created, and fails.
	 * @param request what was run
	 * @param id the exec id, or {@code null} when it had not been created yet
	 * @param timeout the timeout that elapsed
	 * @param delete deletes an exec by id
	 * @return an {@link ExecTimeoutException}, with a failure to delete suppressed in it
	 */
	static Mono<ExecResult> kill(ExecRequest request, @Nullable String id, Duration timeout,
			Function<String, Mono<Void>> delete) {
		String subject = (id != null) ? "exec " + Repr.quote(id) + " (" + Repr.quote(request.command()) + ")"
				: Repr.quote(request.command());
		ExecTimeoutException error = new ExecTimeoutException("execs.run: " + subject + " did not exit within "
				+ timeout + ((id != null) ? "; the exec was deleted" : "; the exec had not been created yet"), id,
				timeout);
		if (id == null) {
			return Mono.error(error);
		}
		// Keep a failure to kill the process rather than hide it.
		return delete.apply(id).onErrorResume((deleteError) -> {
			error.addSuppressed(deleteError);
			return Mono.empty();
		}).then(Mono.error(error));
	}

}
