package ai.together.sandbox.internal.snapshots;

import java.util.function.Consumer;

import ai.together.sandbox.snapshots.SnapshotProgress;
import ai.together.sandbox.snapshots.SnapshotStep;
import org.jspecify.annotations.Nullable;

/**
 * Null-safe progress reporting of one snapshot creation.
 */
public final class Progress {

	private final @Nullable Consumer<SnapshotProgress> consumer;

	/**
	 * Reports to a consumer.
	 * @param consumer the caller's {@code onProgress}, or {@code null} to report nothing
	 */
	public Progress(@Nullable Consumer<SnapshotProgress> consumer) {
		this.consumer = consumer;
	}

	/**
	 * Reports one step.
	 * @param step the step
	 * @param output the message
	 */
	public void emit(SnapshotStep step, String output) {
		if (this.consumer != null) {
			this.consumer.accept(new SnapshotProgress(step, output));
		}
	}

}
