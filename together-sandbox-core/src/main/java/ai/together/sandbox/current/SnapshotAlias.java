package ai.together.sandbox.current;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * An alias of a snapshot.
 *
 * @param snapshotId the snapshot it points to
 * @param alias the alias, for example {@code my-app@v1}
 * @param createdAt when it was created
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotAlias(@JsonProperty("snapshot_id") String snapshotId, @JsonProperty("alias") String alias,
		@JsonProperty("created_at") @Nullable Instant createdAt) {

	/**
	 * Tolerates fields the server left out.
	 */
	public SnapshotAlias {
		snapshotId = (snapshotId != null) ? snapshotId : "";
		alias = (alias != null) ? alias : "";
	}

}
