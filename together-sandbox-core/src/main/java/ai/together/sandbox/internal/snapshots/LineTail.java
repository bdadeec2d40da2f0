package ai.together.sandbox.internal.snapshots;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines of a build log, kept for the message of a failure. Thread-safe.
 */
final class LineTail {

	private final int capacity;

	private final ArrayDeque<String> lines;

	private long count;

	LineTail(int capacity) {
		this.capacity = capacity;
		this.lines = new ArrayDeque<>(capacity);
	}

	synchronized void add(String line) {
		if (this.lines.size() == this.capacity) {
			this.lines.removeFirst();
		}
		this.lines.addLast(line);
		this.count++;
	}

	synchronized List<String> lines() {
		return List.copyOf(this.lines);
	}

	synchronized long count() {
		return this.count;
	}

	/**
	 * Formats the tail for an error message: empty, or a heading and the lines.
	 * @return the text to append to a message
	 */
	synchronized String describe() {
		if (this.lines.isEmpty()) {
			return "";
		}
		StringBuilder text = new StringBuilder("\nLast ").append(this.lines.size())
			.append((this.lines.size() == 1) ? " log line:" : " log lines:");
		for (String line : this.lines) {
			text.append("\n  ").append(line);
		}
		return text.toString();
	}

}
