package ai.together.sandbox.current;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox as the current management API describes it. Field names follow Java conventions; the
 * JSON names are the API's snake_case ones. {@link #toString()} never prints the agent token.
 *
 * @param id the sandbox id (a UUID)
 * @param organizationId the organization, or {@code null}
 * @param projectId the project
 * @param snapshotId the snapshot the sandbox booted from
 * @param cpu CPU in cores
 * @param memoryBytes memory in bytes
 * @param agent how to reach its agent (token and URL are {@code null} unless it runs)
 * @param ttlSeconds seconds after creation until it is terminated automatically, or
 * {@code null} for never
 * @param tags its labels (empty when none)
 * @param terminationPolicy what it keeps on termination, or {@code null} when it is ephemeral
 * @param status its status
 * @param statusReason why it has that status
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param startedAt when it started, or {@code null}
 * @param resizedAt when it was last resized, or {@code null}
 * @param recoveryAt when its recovery began, or {@code null}
 * @param terminatedAt when it terminated, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SandboxDetails(@JsonProperty("id") String id,
		@JsonProperty("organization_id") @Nullable String organizationId,
		@JsonProperty("project_id") @Nullable String projectId,
		@JsonProperty("snapshot_id") @Nullable String snapshotId, @JsonProperty("cpu") double cpu,
		@JsonProperty("memory_bytes") long memoryBytes, @JsonProperty("agent") AgentDetails agent,
		@JsonProperty("ttl") @Nullable Long ttlSeconds, @JsonProperty("tags") Map<String, String> tags,
		@JsonProperty("termination_policy") @Nullable TerminationPolicy terminationPolicy,
		@JsonProperty("status") LifecycleStatus status, @JsonProperty("status_reason") StatusReason statusReason,
		@JsonProperty("created_at") @Nullable Instant createdAt, @JsonProperty("updated_at") @Nullable Instant updatedAt,
		@JsonProperty("started_at") @Nullable Instant startedAt, @JsonProperty("resized_at") @Nullable Instant resizedAt,
		@JsonProperty("recovery_at") @Nullable Instant recoveryAt,
		@JsonProperty("terminated_at") @Nullable Instant terminatedAt) {

	/**
	 * Checks the fields everything else relies on and tolerates absent optional objects.
	 * @throws IllegalArgumentException when {@code id} or {@code status} is missing
	 */
	public SandboxDetails {
		// A body without them is unusable: rejecting it here turns it into an "invalid response"
		// error naming the operation.
		if (id == null || id.isEmpty()) {
			throw new IllegalArgumentException("id must not be null or empty");
		}
		if (status == null) {
			throw new IllegalArgumentException("status must not be null");
		}
		statusReason = (statusReason != null) ? statusReason : StatusReason.of("");
		agent = (agent != null) ? agent : new AgentDetails(null, null, null);
		tags = (tags != null) ? Map.copyOf(tags) : Map.of();
	}

	/**
	 * Whether the sandbox is ephemeral: it has no termination policy, so nothing is kept when it
	 * terminates.
	 * @return {@code true} without a termination policy
	 */
	public boolean isEphemeral() {
		return this.terminationPolicy == null;
	}

	/**
	 * The alias of the snapshot its termination produces (when one is produced):
	 * {@code sandbox:<id>}.
	 * @return the alias
	 */
	public String terminationSnapshotAlias() {
		return "sandbox:" + this.id;
	}

}
