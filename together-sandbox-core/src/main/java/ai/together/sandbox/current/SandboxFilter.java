package ai.together.sandbox.current;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * Which sandboxes {@code current().sandboxes().list(…)} returns and from where: page size,
 * cursor, any of some statuses, all of some tags, the snapshot they booted from.
 * <pre>{@code
 * SandboxFilter.builder().statuses(LifecycleStatus.RUNNING).tag("env", "dev").limit(50).build();
 * }</pre>
 *
 * @param limit the page size (1 to 100), or {@code null} for the server's (20)
 * @param cursor where to start (a page's {@code nextCursor}), or {@code null} for the first page
 * @param statuses return sandboxes having any of these statuses (empty: any status)
 * @param tags return sandboxes having all of these tags (empty: no tag filter)
 * @param snapshotId return sandboxes booted from this snapshot, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record SandboxFilter(@Nullable Integer limit, @Nullable String cursor, List<LifecycleStatus> statuses,
		Map<String, String> tags, @Nullable String snapshotId) {

	private static final SandboxFilter ALL = new SandboxFilter(null, null, List.of(), Map.of(), null);

	/**
	 * Validates the filter.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public SandboxFilter {
		Pages.checkLimit(limit);
		if (cursor != null) {
			Args.id(cursor, "cursor");
		}
		Args.notNull(statuses, "statuses");
		for (int i = 0; i < statuses.size(); i++) {
			Args.notNull(statuses.get(i), "statuses[" + i + "]");
		}
		statuses = List.copyOf(statuses);
		Map<String, String> checked = Tags.check(Args.notNull(tags, "tags"), "tags");
		tags = (checked != null) ? checked : Map.of();
		if (snapshotId != null) {
			snapshotId = Args.uuid(snapshotId, "snapshotId");
		}
	}

	/**
	 * No filter: every sandbox of the project, first page, the server's page size.
	 * @return the filter
	 */
	public static SandboxFilter all() {
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
	public SandboxFilter withCursor(@Nullable String cursor) {
		return new SandboxFilter(this.limit, cursor, this.statuses, this.tags, this.snapshotId);
	}

	/**
	 * Builder of {@link SandboxFilter}.
	 */
	public static final class Builder {

		private @Nullable Integer limit;

		private @Nullable String cursor;

		private final List<LifecycleStatus> statuses = new ArrayList<>();

		private final Map<String, String> tags = new LinkedHashMap<>();

		private @Nullable String snapshotId;

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
		 * Adds statuses: a sandbox matches when it has any of them.
		 * @param statuses the statuses
		 * @return this builder
		 */
		public Builder statuses(LifecycleStatus... statuses) {
			this.statuses.addAll(Arrays.asList(Args.notNull(statuses, "statuses")));
			return this;
		}

		/**
		 * Adds a tag: a sandbox matches when it has all of them.
		 * @param key the key
		 * @param value the value
		 * @return this builder
		 */
		public Builder tag(String key, String value) {
			this.tags.put(key, value);
			return this;
		}

		/**
		 * Only sandboxes booted from this snapshot.
		 * @param snapshotId the snapshot UUID, or {@code null}
		 * @return this builder
		 */
		public Builder snapshotId(@Nullable String snapshotId) {
			this.snapshotId = snapshotId;
			return this;
		}

		/**
		 * Builds the filter.
		 * @return the filter
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public SandboxFilter build() {
			return new SandboxFilter(this.limit, this.cursor, this.statuses, this.tags, this.snapshotId);
		}

	}

}
