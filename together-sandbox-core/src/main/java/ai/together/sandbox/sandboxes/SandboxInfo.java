package ai.together.sandbox.sandboxes;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox as the management API describes it (the Python SDK's {@code SandboxModel}). Field
 * names follow Java conventions; the JSON names are the API's snake_case ones.
 * <p>
 * {@link #toString()} never prints the {@link #agentToken() agent token}.
 *
 * @param id short identifier (6–8 characters)
 * @param projectId the owning project
 * @param status the lifecycle status
 * @param ephemeral whether the sandbox is ephemeral
 * @param clusterName the cluster it is placed on
 * @param currentVersionNumber the current VM version
 * @param nextVersionNumber the number the next version will get
 * @param millicpu CPU allocation in millicpu
 * @param gpu GPU allocation
 * @param memoryBytes memory allocation in bytes
 * @param diskBytes disk allocation in bytes
 * @param versionCount number of versions
 * @param agentVersion version of the in-VM agent
 * @param agentType type of the in-VM agent
 * @param agentToken bearer token of the agent API (a secret)
 * @param agentUrl base URL of the agent API
 * @param createdAt creation time
 * @param startRequestedAt when a start was last requested
 * @param startType how it was last started
 * @param startedAt when it last started
 * @param stopRequestedAt when a stop was last requested
 * @param requestedStopType the kind of stop last requested
 * @param stoppedAt when it last stopped
 * @param stopReason why it last stopped
 * @param specsUpdatedAt when its resources last changed
 * @param recoveryStatus recovery state after a node failure
 * @param recoveryStartedAt when recovery started
 * @param recoveryFinishedAt when recovery finished
 * @param updatedAt last update time
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SandboxInfo(@JsonProperty("id") String id, @JsonProperty("project_id") @Nullable String projectId,
		@JsonProperty("status") SandboxStatus status, @JsonProperty("ephemeral") boolean ephemeral,
		@JsonProperty("cluster_name") @Nullable String clusterName,
		@JsonProperty("current_version_number") long currentVersionNumber,
		@JsonProperty("next_version_number") long nextVersionNumber, @JsonProperty("millicpu") long millicpu,
		@JsonProperty("gpu") long gpu, @JsonProperty("memory_bytes") long memoryBytes,
		@JsonProperty("disk_bytes") long diskBytes, @JsonProperty("version_count") long versionCount,
		@JsonProperty("agent_version") @Nullable String agentVersion,
		@JsonProperty("agent_type") @Nullable String agentType,
		@JsonProperty("agent_token") @Nullable String agentToken, @JsonProperty("agent_url") @Nullable String agentUrl,
		@JsonProperty("created_at") @Nullable Instant createdAt,
		@JsonProperty("start_requested_at") @Nullable Instant startRequestedAt,
		@JsonProperty("start_type") @Nullable StartType startType,
		@JsonProperty("started_at") @Nullable Instant startedAt,
		@JsonProperty("stop_requested_at") @Nullable Instant stopRequestedAt,
		@JsonProperty("requested_stop_type") @Nullable StopType requestedStopType,
		@JsonProperty("stopped_at") @Nullable Instant stoppedAt,
		@JsonProperty("stop_reason") @Nullable StopReason stopReason,
		@JsonProperty("specs_updated_at") @Nullable Instant specsUpdatedAt,
		@JsonProperty("recovery_status") @Nullable RecoveryStatus recoveryStatus,
		@JsonProperty("recovery_started_at") @Nullable Instant recoveryStartedAt,
		@JsonProperty("recovery_finished_at") @Nullable Instant recoveryFinishedAt,
		@JsonProperty("updated_at") @Nullable Instant updatedAt) {

	/**
	 * Checks the two fields everything else relies on.
	 * @throws IllegalArgumentException when {@code id} or {@code status} is missing
	 */
	public SandboxInfo {
		// Without these a response is unusable (the lifecycle checks would fail with a bare
		// NullPointerException); rejecting them here turns such a body into an "invalid response"
		// HttpException naming the operation, as for any other malformed body.
		if (id == null || id.isEmpty()) {
			throw new IllegalArgumentException("id must not be null or empty");
		}
		if (status == null) {
			throw new IllegalArgumentException("status must not be null");
		}
	}

	@Override
	public String toString() {
		return "SandboxInfo[id=" + this.id + ", projectId=" + this.projectId + ", status=" + this.status
				+ ", ephemeral=" + this.ephemeral + ", clusterName=" + this.clusterName + ", currentVersionNumber="
				+ this.currentVersionNumber + ", millicpu=" + this.millicpu + ", gpu=" + this.gpu + ", memoryBytes="
				+ this.memoryBytes + ", diskBytes=" + this.diskBytes + ", agentVersion=" + this.agentVersion
				+ ", agentType=" + this.agentType + ", agentToken=" + ((this.agentToken != null) ? "[REDACTED]" : null)
				+ ", agentUrl=" + this.agentUrl + ", createdAt=" + this.createdAt + ", startType=" + this.startType
				+ ", startedAt=" + this.startedAt + ", requestedStopType=" + this.requestedStopType + ", stoppedAt="
				+ this.stoppedAt + ", stopReason=" + this.stopReason + ", recoveryStatus=" + this.recoveryStatus
				+ ", updatedAt=" + this.updatedAt + "]";
	}

}
