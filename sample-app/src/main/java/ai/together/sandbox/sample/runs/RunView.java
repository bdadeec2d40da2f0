package ai.together.sandbox.sample.runs;

import org.jspecify.annotations.Nullable;

/**
 * A run as {@code POST /runs} and {@code GET /runs/{id}} return it.
 *
 * @param id the run id, for {@code GET /runs/{id}} and {@code GET /runs/{id}/events}
 * @param status where the run is
 * @param sandboxId the sandbox the run created, or {@code null} before it exists
 * @param sandboxStatus the sandbox's status after its shutdown, or {@code null} before
 * @param exitCode the command's exit code, or {@code null} until it exits
 * @param stdout the command's standard output so far
 * @param stderr the command's standard error so far
 * @param outputTruncated whether output beyond {@code sample.runs.max-output} was dropped
 * @param durationMs milliseconds since the run was submitted, up to its end
 * @param error why the run failed, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record RunView(String id, RunStatus status, @Nullable String sandboxId, @Nullable String sandboxStatus,
		@Nullable Integer exitCode, String stdout, String stderr, boolean outputTruncated, long durationMs,
		@Nullable String error) {

}
