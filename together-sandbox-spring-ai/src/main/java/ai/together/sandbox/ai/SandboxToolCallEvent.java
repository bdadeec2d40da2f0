package ai.together.sandbox.ai;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Published (as a Spring application event) after every call of a sandbox tool, for auditing. It
 * never holds the call's arguments or result, which may carry secrets.
 *
 * @param tool the tool's name, for example {@code sandbox_run_command}
 * @param conversationId the conversation the call belongs to
 * @param sandboxId the sandbox the call used, or {@code null} when it used none (for example
 * when the limit of sandboxes refused it)
 * @param outcome how the call ended
 * @param duration how long the call took
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SandboxToolCallEvent(String tool, String conversationId, @Nullable String sandboxId, Outcome outcome,
		Duration duration) {

	/**
	 * How a tool call ended. A command that exits with a non-zero code is a {@link #SUCCESS}: the
	 * tool did its work.
	 */
	public enum Outcome {

		/** The tool did its work. */
		SUCCESS,

		/** The arguments were invalid; nothing was done. */
		INVALID_INPUT,

		/** A limit refused the call: too many sandboxes, or a file too large to read. */
		LIMIT,

		/** The command or the call did not finish in time. */
		TIMEOUT,

		/** The sandbox or its API failed. */
		FAILURE;

		/**
		 * Returns the outcome as the {@code outcome} tag shows it.
		 * @return the lower-case name, for example {@code success}
		 */
		public String tagValue() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}

	}

}
