package ai.together.sandbox.internal.util;

import java.nio.charset.StandardCharsets;

/**
 * The one path encoder of the client. {@link #segment(String)} is PROTOCOL.md §3.1's
 * {@code enc()}: every byte of the UTF-8 form except {@code A-Z a-z 0-9 _ . - ~} is
 * percent-encoded with upper-case hex, so {@code /} becomes {@code %2F} and a whole VM path
 * travels as one URL segment.
 */
public final class PathEncoder {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private PathEncoder() {
	}

	/**
	 * Percent-encodes a value as one path segment.
	 * @param value the raw value
	 * @return the encoded segment
	 */
	public static String segment(String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		StringBuilder out = null;
		for (int i = 0; i < bytes.length; i++) {
			int b = bytes[i] & 0xFF;
			if (isUnreserved(b)) {
				if (out != null) {
					out.append((char) b);
				}
				continue;
			}
			if (out == null) {
				out = new StringBuilder(bytes.length * 3);
				out.append(value, 0, i); // everything before is plain ASCII
			}
			out.append('%').append(HEX[b >> 4]).append(HEX[b & 0x0F]);
		}
		return (out != null) ? out.toString() : value;
	}

	/**
	 * Encodes a value for use inside a multi-segment path: like {@link #segment(String)} but keeps
	 * {@code /}. Used by the streaming calls, which send VM paths as raw path segments.
	 * @param value the raw value
	 * @return the encoded path
	 */
	public static String path(String value) {
		StringBuilder out = new StringBuilder(value.length() + 16);
		int start = 0;
		int slash;
		while ((slash = value.indexOf('/', start)) >= 0) {
			out.append(segment(value.substring(start, slash))).append('/');
			start = slash + 1;
		}
		return out.append(segment(value.substring(start))).toString();
	}

	/**
	 * Encodes a query parameter name or value.
	 * @param value the raw value
	 * @return the encoded value
	 */
	public static String query(String value) {
		return segment(value);
	}

	private static boolean isUnreserved(int b) {
		return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '.'
				|| b == '-' || b == '~';
	}

}
