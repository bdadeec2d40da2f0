package ai.together.sandbox.emulator.internal.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot: the Snapshot model of the management API plus what the emulator keeps about where it
 * came from. A row of {@code state.db} (in snake case in the {@code state.json} of earlier
 * emulators).
 *
 * @param id the snapshot id (a lower-case UUID)
 * @param projectId the project
 * @param byteSize the size of its build context
 * @param isProtected whether it is protected (never, here)
 * @param optimized whether it is optimized (never, here)
 * @param includesMemorySnapshot whether it includes memory (never, here)
 * @param createdAt when it was created
 * @param optimizedAt when it was optimized, {@code null}
 * @param updatedAt when it last changed
 * @param image the image reference it was created from
 * @param architecture {@code amd64} or {@code arm64}
 * @param buildId the build whose context it uses, if any
 */
public record SnapshotRecord(String id, String projectId, long byteSize, @JsonProperty("protected") boolean isProtected,
		boolean optimized, boolean includesMemorySnapshot, String createdAt, @Nullable String optimizedAt,
		String updatedAt, String image, String architecture, @Nullable String buildId) {
}
