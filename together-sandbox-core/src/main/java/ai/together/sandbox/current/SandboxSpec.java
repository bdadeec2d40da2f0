package ai.together.sandbox.current;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * What {@code current().sandboxes().create(…)} sends: the snapshot to boot (by id or by alias,
 * exactly one), resources, an optional time to live, tags and termination policy. CPU and memory
 * are always sent (1 core and 2 GiB unless set), as the upstream SDKs do. Values are validated
 * when the spec is built.
 * <pre>{@code
 * SandboxSpec.fromSnapshotAlias("my-app@v1").ttl(Duration.ofHours(1)).tag("env", "dev").build();
 * }</pre>
 *
 * @param snapshotId the UUID of the snapshot to boot, or {@code null}
 * @param snapshotAlias the alias of the snapshot to boot (for example {@code my-app@v1} or
 * {@code sandbox:<id>}), or {@code null}
 * @param cpu CPU in cores, 0.1 to 16
 * @param memoryBytes memory in bytes, 200000000 to 32000000000
 * @param ttlSeconds seconds after creation until automatic termination (at least 1), or
 * {@code null} for never
 * @param tags labels, or {@code null} for none
 * @param terminationPolicy what to keep on termination, or {@code null} for an ephemeral sandbox
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SandboxSpec(@JsonProperty("snapshot_id") @Nullable String snapshotId,
		@JsonProperty("snapshot_alias") @Nullable String snapshotAlias, @JsonProperty("cpu") double cpu,
		@JsonProperty("memory_bytes") long memoryBytes, @JsonProperty("ttl") @Nullable Long ttlSeconds,
		@JsonProperty("tags") @Nullable Map<String, String> tags,
		@JsonProperty("termination_policy") @Nullable TerminationPolicy terminationPolicy) {

	/** Default CPU: 1 core. */
	public static final double DEFAULT_CPU = 1;

	/** Default memory: 2 GiB. */
	public static final long DEFAULT_MEMORY_BYTES = 2L * 1024 * 1024 * 1024;

	/**
	 * Validates the spec.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public SandboxSpec {
		if ((snapshotId == null) == (snapshotAlias == null)) {
			throw new IllegalArgumentException((snapshotId == null)
					? "snapshotId or snapshotAlias is required (exactly one of them)"
					: "snapshotId and snapshotAlias must not both be set (exactly one of them)");
		}
		if (snapshotId != null) {
			snapshotId = Args.uuid(snapshotId, "snapshotId");
		}
		if (snapshotAlias != null) {
			Args.id(snapshotAlias, "snapshotAlias");
		}
		if (!(cpu >= 0.1 && cpu <= 16)) {
			throw new IllegalArgumentException("cpu must be between 0.1 and 16 cores, was " + cpu);
		}
		if (memoryBytes < 200_000_000L || memoryBytes > 32_000_000_000L) {
			throw new IllegalArgumentException(
					"memoryBytes must be between 200000000 and 32000000000, was " + memoryBytes);
		}
		Tags.checkSeconds(ttlSeconds, "ttl");
		tags = Tags.check(tags, "tags");
	}

	/**
	 * Starts a spec booting a snapshot by id.
	 * @param snapshotId the snapshot UUID
	 * @return the builder
	 */
	public static Builder fromSnapshotId(String snapshotId) {
		Builder builder = new Builder();
		builder.snapshotId = snapshotId;
		return builder;
	}

	/**
	 * Starts a spec booting a snapshot by alias.
	 * @param snapshotAlias the alias, for example {@code my-app@v1}, or {@code sandbox:<id>} for
	 * what a terminated sandbox left
	 * @return the builder
	 */
	public static Builder fromSnapshotAlias(String snapshotAlias) {
		Builder builder = new Builder();
		builder.snapshotAlias = snapshotAlias;
		return builder;
	}

	/**
	 * Builder of {@link SandboxSpec}.
	 */
	public static final class Builder {

		private @Nullable String snapshotId;

		private @Nullable String snapshotAlias;

		private double cpu = DEFAULT_CPU;

		private long memoryBytes = DEFAULT_MEMORY_BYTES;

		private @Nullable Long ttlSeconds;

		private @Nullable Map<String, String> tags;

		private @Nullable TerminationPolicy terminationPolicy;

		private Builder() {
		}

		/**
		 * CPU in cores.
		 * @param cpu 0.1 to 16
		 * @return this builder
		 */
		public Builder cpu(double cpu) {
			this.cpu = cpu;
			return this;
		}

		/**
		 * Memory in bytes.
		 * @param memoryBytes 200000000 to 32000000000
		 * @return this builder
		 */
		public Builder memoryBytes(long memoryBytes) {
			this.memoryBytes = memoryBytes;
			return this;
		}

		/**
		 * Terminates the sandbox automatically this long after its creation.
		 * @param ttl a whole number of seconds, at least 1
		 * @return this builder
		 */
		public Builder ttl(Duration ttl) {
			this.ttlSeconds = Tags.seconds(ttl, "ttl");
			return this;
		}

		/**
		 * Adds a tag.
		 * @param key the key (letters, digits, {@code -_.}, at most 59 characters)
		 * @param value the value
		 * @return this builder
		 */
		public Builder tag(String key, String value) {
			if (this.tags == null) {
				this.tags = new LinkedHashMap<>();
			}
			this.tags.put(key, value);
			return this;
		}

		/**
		 * Sets the tags, replacing any set before.
		 * @param tags the tags, or {@code null} for none
		 * @return this builder
		 */
		public Builder tags(@Nullable Map<String, String> tags) {
			this.tags = (tags != null) ? new LinkedHashMap<>(tags) : null;
			return this;
		}

		/**
		 * What to keep on termination.
		 * @param terminationPolicy the policy, or {@code null} for an ephemeral sandbox
		 * @return this builder
		 */
		public Builder terminationPolicy(@Nullable TerminationPolicy terminationPolicy) {
			this.terminationPolicy = terminationPolicy;
			return this;
		}

		/**
		 * Snapshots the sandbox on termination.
		 * @param snapshot the snapshot settings
		 * @return this builder
		 */
		public Builder snapshotOnTermination(TerminationSnapshot snapshot) {
			this.terminationPolicy = TerminationPolicy.snapshot(snapshot);
			return this;
		}

		/**
		 * Builds the spec.
		 * @return the spec
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public SandboxSpec build() {
			return new SandboxSpec(this.snapshotId, this.snapshotAlias, this.cpu, this.memoryBytes, this.ttlSeconds,
					this.tags, this.terminationPolicy);
		}

	}

}
