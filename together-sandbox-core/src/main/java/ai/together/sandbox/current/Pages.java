package ai.together.sandbox.current;

import org.jspecify.annotations.Nullable;

/** Shared checks of the list filters. */
final class Pages {

	private Pages() {
	}

	static void checkLimit(@Nullable Integer limit) {
		if (limit != null && (limit < 1 || limit > 100)) {
			throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
		}
	}

}
