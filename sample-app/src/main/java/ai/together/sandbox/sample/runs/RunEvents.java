package ai.together.sandbox.sample.runs;

import org.jspecify.annotations.Nullable;

/**
 * The payloads of the server-sent events of {@code GET /runs/{id}/events}, by event name.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RunEvents {

	/** Event name of {@link Status}. */
	public static final String STATUS = "status";

	/** Event name of {@link Output}. */
	public static final String OUTPUT = "output";

	/** Event name of {@link Exit}. */
	public static final String EXIT = "exit";

	private RunEvents() {
	}

	/**
	 * The run moved on; the stream ends after a final status.
	 *
	 * @param status the new status
	 * @param sandboxId the sandbox, or {@code null} before it exists
	 * @param error why the run failed, or {@code null}
	 */
	public record Status(RunStatus status, @Nullable String sandboxId, @Nullable String error) {

	}

	/**
	 * Output of the command, as it was produced.
	 *
	 * @param stream {@code stdout} or {@code stderr}
	 * @param text the text
	 * @param sequence the message's position in the command's output
	 */
	public record Output(String stream, String text, int sequence) {

	}

	/**
	 * The command exited.
	 *
	 * @param exitCode its exit code
	 */
	public record Exit(int exitCode) {

	}

}
