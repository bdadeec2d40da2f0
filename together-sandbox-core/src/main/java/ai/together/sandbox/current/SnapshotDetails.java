package ai.together.sandbox.current;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot as the current management API describes it.
 *
 * @param id the snapshot id (a UUID)
 * @param organizationId the organization, or {@code null}
 * @param projectId the project
 * @param byteSize its size in bytes
 * @param tags its labels (empty when none)
 * @param ttlSeconds seconds after creation until it is retired automatically, or {@code null}
 * @param memory whether it holds a memory snapshot
 * @param createdAt when it was created
 * @param retiredAt when it was retired, or {@code null} while it is active
 * @param updatedAt when it last changed
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotDetails(@JsonProperty("id") String id,
		@JsonProperty("organization_id") @Nullable String organizationId,
		@JsonProperty("project_id") @Nullable String projectId, @JsonProperty("byte_size") long byteSize,
		@JsonProperty("tags") Map<String, String> tags, @JsonProperty("ttl") @Nullable Long ttlSeconds,
		@JsonProperty("memory") boolean memory, @JsonProperty("created_at") @Nullable Instant createdAt,
		@JsonProperty("retired_at") @Nullable Instant retiredAt,
		@JsonProperty("updated_at") @Nullable Instant updatedAt) {

	/**
	 * Checks the id and tolerates absent tags.
	 * @throws IllegalArgumentException when {@code id} is missing
	 */
	public SnapshotDetails {
		if (id == null || id.isEmpty()) {
			throw new IllegalArgumentException("id must not be null or empty");
		}
		tags = (tags != null) ? Map.copyOf(tags) : Map.of();
	}

	/**
	 * Whether the snapshot was retired (it then boots no new sandbox).
	 * @return {@code true} once retired
	 */
	public boolean isRetired() {
		return this.retiredAt != null;
	}

}
