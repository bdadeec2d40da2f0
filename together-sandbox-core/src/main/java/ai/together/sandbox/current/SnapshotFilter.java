package ai.together.sandbox.current;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * Which snapshots {@code current().snapshots().list(…)} returns and from where. Retired
 * snapshots are included unless {@link #excludeRetired()} is set, as on the server.
 *
 * @param limit the page size (1 to 100), or {@code null} for the server's (20)
 * @param cursor where to start (a page's {@code nextCursor}), or {@code null} for the first page
 * @param tags return snapshots having all of these tags (empty: no tag filter)
 * @param excludeRetired whether to leave retired snapshots out
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SnapshotFilter(@Nullable Integer limit, @Nullable String cursor, Map<String, String> tags,
		boolean excludeRetired) {

	private static final SnapshotFilter ALL = new SnapshotFilter(null, null, Map.of(), false);

	/**
	 * Validates the filter.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public SnapshotFilter {
		Pages.checkLimit(limit);
		if (cursor != null) {
			Args.id(cursor, "cursor");
		}
		Map<String, String> checked = Tags.check(Args.notNull(tags, "tags"), "tags");
		tags = (checked != null) ? checked : Map.of();
	}

	/**
	 * No filter: every snapshot of the project, retired ones included, first page.
	 * @return the filter
	 */
	public static SnapshotFilter all() {
		return ALL;
	}

	/**
	 * Starts a builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns this filter starting at another cursor.
	 * @param cursor the cursor, or {@code null} for the first page
	 * @return the filter
	 */
	public SnapshotFilter withCursor(@Nullable String cursor) {
		return new SnapshotFilter(this.limit, cursor, this.tags, this.excludeRetired);
	}

	/**
	 * Builder of {@link SnapshotFilter}.
	 */
	public static final class Builder {

		private @Nullable Integer limit;

		private @Nullable String cursor;

		private final Map<String, String> tags = new LinkedHashMap<>();

		private boolean excludeRetired;

		private Builder() {
		}

		/**
		 * The page size.
		 * @param limit 1 to 100
		 * @return this builder
		 */
		public Builder limit(int limit) {
			this.limit = limit;
			return this;
		}

		/**
		 * Where to start.
		 * @param cursor a page's {@code nextCursor}, or {@code null} for the first page
		 * @return this builder
		 */
		public Builder cursor(@Nullable String cursor) {
			this.cursor = cursor;
			return this;
		}

		/**
		 * Adds a tag: a snapshot matches when it has all of them.
		 * @param key the key
		 * @param value the value
		 * @return this builder
		 */
		public Builder tag(String key, String value) {
			this.tags.put(key, value);
			return this;
		}

		/**
		 * Leaves retired snapshots out.
		 * @param excludeRetired whether to leave them out
		 * @return this builder
		 */
		public Builder excludeRetired(boolean excludeRetired) {
			this.excludeRetired = excludeRetired;
			return this;
		}

		/**
		 * Builds the filter.
		 * @return the filter
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public SnapshotFilter build() {
			return new SnapshotFilter(this.limit, this.cursor, this.tags, this.excludeRetired);
		}

	}

}
