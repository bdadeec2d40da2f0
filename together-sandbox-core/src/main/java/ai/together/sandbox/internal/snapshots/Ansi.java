package ai.together.sandbox.internal.snapshots;

import java.util.regex.Pattern;

/**
 * Removes ANSI control sequences (CSI: {@code ESC [}, parameter bytes {@code 0x30–0x3F},
 * intermediate bytes {@code 0x20–0x2F}, one final byte {@code 0x40–0x7E}) from build output, as
 * PROTOCOL.md §5.4 specifies, so that progress lines read as plain text.
 */
public final class Ansi {

	private static final Pattern CSI = Pattern.compile("\u001B\\[[\\x30-\\x3F]*[\\x20-\\x2F]*[\\x40-\\x7E]");

	private Ansi() {
	}

	/**
	 * Removes every CSI sequence.
	 * @param text the text
	 * @return the text without CSI sequences
	 */
	public static String strip(String text) {
		return (text.indexOf('\u001B') < 0) ? text : CSI.matcher(text).replaceAll("");
	}

}
