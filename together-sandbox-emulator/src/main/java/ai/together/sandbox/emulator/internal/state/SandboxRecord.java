package ai.together.sandbox.emulator.internal.state;

import org.jspecify.annotations.Nullable;

/**
 * The management record of a sandbox, as kept in {@code state.db} (in snake case in the
 * {@code state.json} of earlier emulators); timestamps are ISO-8601 strings. The agent token is
 * never part of it.
 *
 * @param id the sandbox id
 * @param status {@code created}, {@code starting}, {@code running}, {@code stopping} or
 * {@code stopped}
 * @param ephemeral whether it is ephemeral
 * @param millicpu the CPU in thousandths
 * @param memoryBytes the memory
 * @param diskBytes the disk
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param startRequestedAt when the last start was requested
 * @param startType {@code cold_start} or {@code resume}
 * @param startedAt when it last started
 * @param stopRequestedAt when the last stop was requested
 * @param requestedStopType {@code shutdown} or {@code hibernate}
 * @param stoppedAt when it last stopped
 * @param stopReason {@code shutdown} or {@code hibernated}
 * @param snapshotId the snapshot it was created from
 * @param versionId the id of its only version
 * @param current what a sandbox of the current API generation has beyond this record,
 * {@code null} for a sandbox of the seed generation
 */
public record SandboxRecord(String id, String status, boolean ephemeral, long millicpu, long memoryBytes,
		long diskBytes, String createdAt, @Nullable String updatedAt, @Nullable String startRequestedAt,
		@Nullable String startType, @Nullable String startedAt, @Nullable String stopRequestedAt,
		@Nullable String requestedStopType, @Nullable String stoppedAt, @Nullable String stopReason, String snapshotId,
		String versionId, @Nullable CurrentFields current) {

	/**
	 * The record of a sandbox of the seed generation.
	 * @param id the sandbox id
	 * @param status the status
	 * @param ephemeral whether it is ephemeral
	 * @param millicpu the CPU in thousandths
	 * @param memoryBytes the memory
	 * @param diskBytes the disk
	 * @param createdAt when it was created
	 * @param updatedAt when it last changed
	 * @param startRequestedAt when the last start was requested
	 * @param startType the start type
	 * @param startedAt when it last started
	 * @param stopRequestedAt when the last stop was requested
	 * @param requestedStopType the requested stop type
	 * @param stoppedAt when it last stopped
	 * @param stopReason the stop reason
	 * @param snapshotId the snapshot it was created from
	 * @param versionId the id of its only version
	 */
	public SandboxRecord(String id, String status, boolean ephemeral, long millicpu, long memoryBytes, long diskBytes,
			String createdAt, @Nullable String updatedAt, @Nullable String startRequestedAt, @Nullable String startType,
			@Nullable String startedAt, @Nullable String stopRequestedAt, @Nullable String requestedStopType,
			@Nullable String stoppedAt, @Nullable String stopReason, String snapshotId, String versionId) {
		this(id, status, ephemeral, millicpu, memoryBytes, diskBytes, createdAt, updatedAt, startRequestedAt, startType,
				startedAt, stopRequestedAt, requestedStopType, stoppedAt, stopReason, snapshotId, versionId, null);
	}

}
