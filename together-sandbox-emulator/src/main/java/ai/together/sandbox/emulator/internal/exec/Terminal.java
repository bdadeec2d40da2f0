package ai.together.sandbox.emulator.internal.exec;

import org.jspecify.annotations.Nullable;

/**
 * The master side of an exec's pseudo-terminal. Closed once by the thread that pumps its output;
 * writes and resizes after that report the terminal as gone instead of touching a closed
 * descriptor.
 */
final class Terminal {

	private final Native nat;

	private final int master;

	private boolean open = true;

	Terminal(Native nat, int master) {
		this.nat = nat;
		this.master = master;
	}

	/**
	 * Waits up to {@code timeoutMillis} for output and reads it.
	 * @return the bytes read, an empty array on timeout, or {@code null} at end of stream
	 */
	byte @Nullable [] read(int timeoutMillis) {
		return this.nat.read(this.master, timeoutMillis);
	}

	synchronized boolean isOpen() {
		return this.open;
	}

	/** Writes to the terminal; {@code false} when that fails or the terminal is closed. */
	synchronized boolean write(byte[] bytes) {
		return this.open && this.nat.write(this.master, bytes);
	}

	/** Resizes the terminal; a closed one is not displayed anywhere, so that succeeds. */
	synchronized boolean resize(int cols, int rows) {
		return !this.open || this.nat.resize(this.master, cols, rows);
	}

	synchronized void close() {
		if (this.open) {
			this.open = false;
			this.nat.close(this.master);
		}
	}

}
