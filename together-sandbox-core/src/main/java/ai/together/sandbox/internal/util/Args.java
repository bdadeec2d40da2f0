package ai.together.sandbox.internal.util;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks shared by every public method: each failure is an
 * {@link IllegalArgumentException} naming the parameter, thrown before any request is sent.
 */
public final class Args {

	/** Longest identifier accepted (exec ids, aliases, images). */
	public static final int MAX_ID_LENGTH = 512;

	/** Longest VM path accepted. */
	public static final int MAX_PATH_LENGTH = 4096;

	private Args() {
	}

	/**
	 * Checks that a value is present.
	 * @param <T> the type
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static <T> T notNull(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	/**
	 * Checks that a string is present, not blank, at most {@code maxLength} characters long and
	 * free of control characters.
	 * @param value the value
	 * @param name the parameter name
	 * @param maxLength the maximum length
	 * @return the value
	 */
	public static String text(@Nullable String value, String name, int maxLength) {
		notNull(value, name);
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
		if (value.length() > maxLength) {
			throw new IllegalArgumentException(
					name + " must be at most " + maxLength + " characters long, was " + value.length());
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c)) {
				throw new IllegalArgumentException(
						name + " must not contain control characters (found U+" + String.format("%04X", (int) c)
								+ " at index " + i + ")");
			}
		}
		return value;
	}

	/**
	 * Checks an identifier (exec id, alias, image, …).
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static String id(@Nullable String value, String name) {
		return text(value, name, MAX_ID_LENGTH);
	}

	/**
	 * Checks a sandbox id: 6 to 8 characters, no whitespace, no {@code /}.
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static String sandboxId(@Nullable String value, String name) {
		text(value, name, 8);
		if (value.length() < 6) {
			throw new IllegalArgumentException(name + " must be 6 to 8 characters long, was " + value.length());
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isWhitespace(c) || c == '/') {
				throw new IllegalArgumentException(name + " must not contain whitespace or '/'");
			}
		}
		return value;
	}

	/**
	 * Checks a VM path (absolute like {@code /src/a.txt}, or relative to the workspace).
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static String path(@Nullable String value, String name) {
		return text(value, name, MAX_PATH_LENGTH);
	}

	/**
	 * Parses a UUID and returns its canonical lower-case form.
	 * @param value the value
	 * @param name the parameter name
	 * @return the canonical UUID string
	 */
	public static String uuid(@Nullable String value, String name) {
		text(value, name, 64);
		try {
			UUID uuid = UUID.fromString(value.trim());
			String canonical = uuid.toString();
			// UUID.fromString accepts shortened groups such as "1-2-3-4-5"; the API does not.
			if (!canonical.equalsIgnoreCase(value.trim())) {
				throw new IllegalArgumentException(name + " must be a UUID, was " + Repr.quote(value));
			}
			return canonical;
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(name + " must be a UUID, was " + Repr.quote(value), ex);
		}
	}

	/**
	 * Checks that a duration is positive.
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static Duration positive(@Nullable Duration value, String name) {
		notNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	/**
	 * Checks a credential sent as a bearer token: present, not blank, free of whitespace and
	 * control characters. The message never echoes the value.
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static String credential(@Nullable String value, String name) {
		notNull(value, name);
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i)) || Character.isWhitespace(value.charAt(i))) {
				throw new IllegalArgumentException(name + " must not contain whitespace or control characters");
			}
		}
		return value;
	}

	/**
	 * Checks that a number is positive.
	 * @param value the value
	 * @param name the parameter name
	 * @return the value
	 */
	public static long positive(long value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

}
