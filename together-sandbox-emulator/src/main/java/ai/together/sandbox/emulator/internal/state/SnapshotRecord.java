package ai.together.sandbox.emulator.internal.state;

import java.time.Instant;
import java.util.Map;

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
 * @param tags its tags (current generation), {@code null} for none
 * @param ttl seconds after creation until it is retired (current generation), or {@code null}
 * @param retiredAt when it was retired, {@code null} while it was not
 */
public record SnapshotRecord(String id, String projectId, long byteSize, @JsonProperty("protected") boolean isProtected,
		boolean optimized, boolean includesMemorySnapshot, String createdAt, @Nullable String optimizedAt,
		String updatedAt, String image, String architecture, @Nullable String buildId,
		@Nullable Map<String, String> tags, @Nullable Long ttl, @Nullable String retiredAt) {

	/**
	 * A snapshot without tags, ttl or retirement.
	 * @param id the snapshot id
	 * @param projectId the project
	 * @param byteSize the size of its build context
	 * @param isProtected whether it is protected
	 * @param optimized whether it is optimized
	 * @param includesMemorySnapshot whether it includes memory
	 * @param createdAt when it was created
	 * @param optimizedAt when it was optimized
	 * @param updatedAt when it last changed
	 * @param image the image reference
	 * @param architecture the architecture
	 * @param buildId the build whose context it uses
	 */
	public SnapshotRecord(String id, String projectId, long byteSize, boolean isProtected, boolean optimized,
			boolean includesMemorySnapshot, String createdAt, @Nullable String optimizedAt, String updatedAt,
			String image, String architecture, @Nullable String buildId) {
		this(id, projectId, byteSize, isProtected, optimized, includesMemorySnapshot, createdAt, optimizedAt,
				updatedAt, image, architecture, buildId, null, null, null);
	}

	/**
	 * When the snapshot is retired as of an instant: when it was retired, else when its ttl ran
	 * out if it has, else {@code null}.
	 * @param now the instant
	 * @return the ISO-8601 instant of its retirement, or {@code null} while it is active
	 */
	public @Nullable String retiredAt(Instant now) {
		if (this.retiredAt != null) {
			return this.retiredAt;
		}
		if (this.ttl != null) {
			Instant expiry = Instant.parse(this.createdAt).plusSeconds(this.ttl);
			if (!expiry.isAfter(now)) {
				return expiry.toString();
			}
		}
		return null;
	}

}
