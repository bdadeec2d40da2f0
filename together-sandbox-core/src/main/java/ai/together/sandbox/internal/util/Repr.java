package ai.together.sandbox.internal.util;

/**
 * Quotes values in messages the way the Python SDK's {@code repr()} does, so that error messages
 * read the same in both SDKs: {@code for sandbox 'abc123'}.
 */
public final class Repr {

	private Repr() {
	}

	/**
	 * Quotes a string: single quotes, or double quotes when it holds {@code '} and no {@code "};
	 * backslashes and control characters escaped.
	 * @param value the value
	 * @return the quoted value
	 */
	public static String quote(String value) {
		char quote = (value.indexOf('\'') >= 0 && value.indexOf('"') < 0) ? '"' : '\'';
		StringBuilder out = new StringBuilder(value.length() + 2).append(quote);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == quote || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c == '\n') {
				out.append("\\n");
			}
			else if (c == '\r') {
				out.append("\\r");
			}
			else if (c == '\t') {
				out.append("\\t");
			}
			else if (c < 0x20 || c == 0x7F) {
				out.append(String.format("\\x%02x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append(quote).toString();
	}

	/**
	 * A context string such as {@code for sandbox 'abc123'}.
	 * @param noun what the value is (sandbox, path, id, …)
	 * @param value the value
	 * @return the context string
	 */
	public static String context(String noun, String value) {
		return "for " + noun + " " + quote(value);
	}

}
