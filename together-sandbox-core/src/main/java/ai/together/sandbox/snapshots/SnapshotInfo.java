package ai.together.sandbox.snapshots;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot as the management API describes it. Field names follow Java conventions; the JSON
 * names are the API's snake_case ones.
 *
 * @param id the snapshot id (a UUID)
 * @param projectId the owning project
 * @param byteSize the image size in bytes
 * @param isProtected whether the snapshot is protected from deletion (JSON {@code protected})
 * @param optimized whether the snapshot has been optimised
 * @param includesMemorySnapshot whether it includes a memory snapshot
 * @param createdAt creation time
 * @param updatedAt last update time
 * @param optimizedAt when it was optimised, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotInfo(@JsonProperty("id") String id, @JsonProperty("project_id") @Nullable String projectId,
		@JsonProperty("byte_size") long byteSize, @JsonProperty("protected") boolean isProtected,
		@JsonProperty("optimized") boolean optimized,
		@JsonProperty("includes_memory_snapshot") boolean includesMemorySnapshot,
		@JsonProperty("created_at") @Nullable Instant createdAt,
		@JsonProperty("updated_at") @Nullable Instant updatedAt,
		@JsonProperty("optimized_at") @Nullable Instant optimizedAt) {

}
