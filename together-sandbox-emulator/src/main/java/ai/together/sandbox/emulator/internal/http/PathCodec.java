package ai.together.sandbox.emulator.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of path segments and query components: the one decoder of the emulator.
 */
public final class PathCodec {

	private PathCodec() {
	}

	/**
	 * Percent-decodes a path: {@code %2F} becomes {@code /}, {@code +} stays a plus sign.
	 * @param raw the raw text
	 * @return the decoded text
	 * @throws ApiException 400 on invalid percent-encoding
	 */
	public static String decode(String raw) {
		if (raw.indexOf('%') < 0) {
			return raw;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '%' && i + 2 < raw.length()) {
				int hi = Character.digit(raw.charAt(i + 1), 16);
				int lo = Character.digit(raw.charAt(i + 2), 16);
				if (hi < 0 || lo < 0) {
					throw ApiException.badRequest("invalid percent-encoding in path");
				}
				out.write((hi << 4) | lo);
				i += 2;
			}
			else if (c == '%') {
				throw ApiException.badRequest("invalid percent-encoding in path");
			}
			else {
				out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	/** Decodes a query component, where {@code +} is a space. */
	static String decodeQuery(String raw) {
		return decode(raw.replace('+', ' '));
	}

}
