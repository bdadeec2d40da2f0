package ai.together.sandbox.current;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/** Checks and copies the user-defined labels of sandboxes and snapshots. */
final class Tags {

	private static final int MAX_KEY_LENGTH = 59;

	private Tags() {
	}

	/**
	 * Validates tags: keys of at most 59 letters, digits, {@code -}, {@code _} or {@code .}, with
	 * a letter or digit first and last; values non-null.
	 * @param tags the tags, or {@code null}
	 * @param name the parameter name
	 * @return an unmodifiable copy in the given order, or {@code null}
	 */
	static @Nullable Map<String, String> check(@Nullable Map<String, String> tags, String name) {
		if (tags == null) {
			return null;
		}
		Map<String, String> copy = new LinkedHashMap<>();
		tags.forEach((key, value) -> {
			checkKey(key, name);
			copy.put(key, Args.notNull(value, name + "[" + key + "]"));
		});
		return Collections.unmodifiableMap(copy);
	}

	static void checkKey(@Nullable String key, String name) {
		Args.notNull(key, name + " key");
		if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !isAlphanumeric(key.charAt(0))
				|| !isAlphanumeric(key.charAt(key.length() - 1))) {
			throw new IllegalArgumentException(name + " key must be 1 to " + MAX_KEY_LENGTH
					+ " characters starting and ending with a letter or digit, was '" + key + "'");
		}
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
				throw new IllegalArgumentException(
						name + " key may hold only letters, digits, '-', '_' and '.', was '" + key + "'");
			}
		}
	}

	/**
	 * Converts a time to live to whole seconds.
	 * @param ttl the duration
	 * @param name the parameter name
	 * @return the seconds, at least 1
	 */
	static long seconds(java.time.Duration ttl, String name) {
		Args.notNull(ttl, name);
		if (ttl.getNano() != 0 || ttl.getSeconds() < 1) {
			throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1, was " + ttl);
		}
		return ttl.getSeconds();
	}

	static @Nullable Long checkSeconds(@Nullable Long seconds, String name) {
		if (seconds != null && seconds < 1) {
			throw new IllegalArgumentException(name + " must be at least 1 second, was " + seconds);
		}
		return seconds;
	}

	private static boolean isAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

}
