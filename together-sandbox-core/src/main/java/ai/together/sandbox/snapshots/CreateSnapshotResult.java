package ai.together.sandbox.snapshots;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What {@code snapshots().create(…)} returns.
 *
 * @param snapshotId the id (a lower-case UUID) of the new snapshot: pass it to
 * {@code CreateSandboxRequest.fromSnapshotId(…)}
 * @param alias the alias assigned, exactly as given in the parameters (not normalised or read
 * back from the server), or {@code null} when none was requested
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record CreateSnapshotResult(String snapshotId, @Nullable String alias) {

	/**
	 * Creates a result.
	 * @param snapshotId the snapshot id
	 * @param alias the alias, or {@code null}
	 */
	public CreateSnapshotResult {
		Objects.requireNonNull(snapshotId, "snapshotId must not be null");
	}

}
