package ai.together.sandbox.current;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot taken when a sandbox terminates. The server always aliases it
 * {@code sandbox:<sandbox id>}, plus the {@link #aliases() aliases} given here.
 * <pre>{@code
 * TerminationSnapshot.builder().alias("my-app@latest").ttl(Duration.ofDays(7)).tag("env", "dev").build();
 * }</pre>
 *
 * @param aliases further aliases of the snapshot, or {@code null} for none
 * @param ttlSeconds seconds until the snapshot expires (at least 1), or {@code null} to keep it
 * @param tags labels of the snapshot, or {@code null} for none
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record TerminationSnapshot(@JsonProperty("aliases") @Nullable List<String> aliases,
		@JsonProperty("ttl") @Nullable Long ttlSeconds, @JsonProperty("tags") @Nullable Map<String, String> tags) {

	/**
	 * Validates the snapshot settings.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public TerminationSnapshot {
		if (aliases != null) {
			for (int i = 0; i < aliases.size(); i++) {
				Args.id(aliases.get(i), "aliases[" + i + "]");
			}
			aliases = List.copyOf(aliases);
		}
		Tags.checkSeconds(ttlSeconds, "ttl");
		tags = Tags.check(tags, "tags");
	}

	/**
	 * A snapshot with the server's defaults: aliased {@code sandbox:<id>} only, kept for ever,
	 * no tags.
	 * @return the settings
	 */
	public static TerminationSnapshot defaults() {
		return new TerminationSnapshot(null, null, null);
	}

	/**
	 * Starts a builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builder of {@link TerminationSnapshot}.
	 */
	public static final class Builder {

		private @Nullable List<String> aliases;

		private @Nullable Long ttlSeconds;

		private @Nullable Map<String, String> tags;

		private Builder() {
		}

		/**
		 * Adds an alias.
		 * @param alias the alias, for example {@code my-app@latest}
		 * @return this builder
		 */
		public Builder alias(String alias) {
			if (this.aliases == null) {
				this.aliases = new ArrayList<>();
			}
			this.aliases.add(alias);
			return this;
		}

		/**
		 * How long the snapshot is kept.
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
		 * Builds the settings.
		 * @return the settings
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public TerminationSnapshot build() {
			return new TerminationSnapshot(this.aliases, this.ttlSeconds, this.tags);
		}

	}

}
