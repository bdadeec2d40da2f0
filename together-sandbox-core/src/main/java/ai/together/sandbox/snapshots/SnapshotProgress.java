package ai.together.sandbox.snapshots;

import java.util.Objects;

/**
 * One progress event of {@code snapshots().create(…)}: the stage and a human-readable line (a
 * fixed message such as {@code Registering snapshot...}, or a build log line with its ANSI
 * escape sequences removed).
 *
 * @param step the stage
 * @param output the message
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotProgress(SnapshotStep step, String output) {

	/**
	 * Creates an event.
	 * @param step the stage
	 * @param output the message
	 */
	public SnapshotProgress {
		Objects.requireNonNull(step, "step must not be null");
		Objects.requireNonNull(output, "output must not be null");
	}

}
