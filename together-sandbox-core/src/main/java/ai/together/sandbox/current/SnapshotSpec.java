package ai.together.sandbox.current;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * What {@code current().snapshots().register(…)} sends ({@code POST /v1/snapshots}): a
 * container image reference, its architecture, an optional time to live and tags.
 * <pre>{@code
 * SnapshotSpec.builder("registry.example.com/org/app:1.2").ttl(Duration.ofDays(30)).tag("app", "web").build();
 * }</pre>
 *
 * @param image the image reference, {@code [registry/][repository/]name[:tag]}
 * @param architecture {@code amd64} or {@code arm64}, or {@code null} for the server's default
 * @param ttlSeconds seconds until the snapshot is retired automatically (at least 1), or
 * {@code null} to keep it
 * @param tags labels, or {@code null} for none
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotSpec(@JsonProperty("image") String image,
		@JsonProperty("architecture") @Nullable String architecture, @JsonProperty("ttl") @Nullable Long ttlSeconds,
		@JsonProperty("tags") @Nullable Map<String, String> tags) {

	/**
	 * Validates the spec.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public SnapshotSpec {
		Args.id(image, "image");
		if (architecture != null && !architecture.equals("amd64") && !architecture.equals("arm64")) {
			throw new IllegalArgumentException("architecture must be amd64 or arm64, was " + architecture);
		}
		Tags.checkSeconds(ttlSeconds, "ttl");
		tags = Tags.check(tags, "tags");
	}

	/**
	 * A spec for an image with the server's defaults for the rest.
	 * @param image the image reference
	 * @return the spec
	 */
	public static SnapshotSpec of(String image) {
		return builder(image).build();
	}

	/**
	 * Starts a builder.
	 * @param image the image reference
	 * @return the builder
	 */
	public static Builder builder(String image) {
		return new Builder(image);
	}

	/**
	 * Builder of {@link SnapshotSpec}.
	 */
	public static final class Builder {

		private final String image;

		private @Nullable String architecture;

		private @Nullable Long ttlSeconds;

		private @Nullable Map<String, String> tags;

		private Builder(String image) {
			this.image = image;
		}

		/**
		 * The image's architecture.
		 * @param architecture {@code amd64} or {@code arm64}
		 * @return this builder
		 */
		public Builder architecture(@Nullable String architecture) {
			this.architecture = architecture;
			return this;
		}

		/**
		 * Retires the snapshot automatically this long after its creation.
		 * @param ttl a whole number of seconds, at least 1
		 * @return this builder
		 */
		public Builder ttl(Duration ttl) {
			this.ttlSeconds = Tags.seconds(ttl, "ttl");
			return this;
		}

		/**
		 * Adds a tag.
		 * @param key the key
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
		 * Builds the spec.
		 * @return the spec
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public SnapshotSpec build() {
			return new SnapshotSpec(this.image, this.architecture, this.ttlSeconds, this.tags);
		}

	}

}
