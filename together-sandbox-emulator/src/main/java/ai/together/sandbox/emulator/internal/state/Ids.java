package ai.together.sandbox.emulator.internal.state;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random identifiers and secrets.
 */
public final class Ids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private Ids() {
	}

	/**
	 * Returns {@code length} random lower-case alphanumeric characters.
	 * @param length the number of characters
	 * @return the identifier
	 */
	public static String alphanumeric(int length) {
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
		}
		return new String(chars);
	}

	/**
	 * Returns a URL-safe random secret of 256 bits.
	 * @return the secret
	 */
	public static String secret() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
