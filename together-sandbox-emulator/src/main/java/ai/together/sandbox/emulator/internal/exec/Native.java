package ai.together.sandbox.emulator.internal.exec;

import ai.together.sandbox.emulator.internal.http.ApiException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The few POSIX calls Java does not offer: pseudo-terminals, window sizes and signalling a whole
 * process group. Loaded lazily; every method reports failure instead of throwing when the native
 * library is unavailable.
 */
final class Native {

	private static final Log logger = LogFactory.getLog(Native.class);

	private static final int SIGKILL = 9;

	private static final short POLLIN = 1;

	private static volatile @Nullable Native instance;

	private static volatile boolean loadAttempted;

	private final LibC libc;

	private final @Nullable OpenPty openPty;

	/** libc functions used by the emulator. */
	public interface LibC extends Library {

		int kill(int pid, int signal);

		int ioctl(int fd, long request, Pointer arg);

		int read(int fd, Pointer buffer, long count);

		int write(int fd, Pointer buffer, long count);

		int close(int fd);

		int poll(Pointer fds, long nfds, int timeout);

		String ptsname(int fd);

	}

	/** {@code openpty(3)}: in libc since glibc 2.34, in libutil before. */
	public interface OpenPty extends Library {

		int openpty(int[] master, int[] slave, @Nullable Pointer name, @Nullable Pointer termios,
				@Nullable Pointer winsize);

	}

	private Native(LibC libc, @Nullable OpenPty openPty) {
		this.libc = libc;
		this.openPty = openPty;
	}

	static @Nullable Native get() {
		if (!loadAttempted) {
			synchronized (Native.class) {
				if (!loadAttempted) {
					instance = load();
					loadAttempted = true;
				}
			}
		}
		return instance;
	}

	private static @Nullable Native load() {
		if (Platform.isWindows()) {
			return null;
		}
		try {
			LibC libc = com.sun.jna.Native.load("c", LibC.class);
			OpenPty openPty = null;
			for (String name : new String[] { "c", "util" }) {
				try {
					NativeLibrary.getInstance(name).getFunction("openpty");
					openPty = com.sun.jna.Native.load(name, OpenPty.class);
					break;
				}
				catch (UnsatisfiedLinkError ex) {
					logger.debug("openpty not found in lib" + name + ": " + ex.getMessage());
				}
			}
			return new Native(libc, openPty);
		}
		catch (UnsatisfiedLinkError | RuntimeException ex) {
			logger.debug("Native calls unavailable, process groups and pseudo-terminals are disabled", ex);
			return null;
		}
	}

	boolean supportsPty() {
		return this.openPty != null;
	}

	/** A pseudo-terminal pair: the master descriptor and the path of the slave device. */
	record Pty(int master, int slave, String slavePath) {
	}

	Pty openPty(int cols, int rows) {
		if (this.openPty == null) {
			throw new ApiException(500, "pseudo-terminals are not available on this machine");
		}
		int[] master = new int[1];
		int[] slave = new int[1];
		Memory winsize = winsize(cols, rows);
		if (this.openPty.openpty(master, slave, null, null, winsize) != 0) {
			throw new ApiException(500, "openpty failed");
		}
		String path = this.libc.ptsname(master[0]);
		return new Pty(master[0], slave[0], path);
	}

	private static Memory winsize(int cols, int rows) {
		Memory winsize = new Memory(8);
		winsize.setShort(0, (short) rows);
		winsize.setShort(2, (short) cols);
		winsize.setShort(4, (short) 0);
		winsize.setShort(6, (short) 0);
		return winsize;
	}

	boolean resize(int master, int cols, int rows) {
		long tiocswinsz = Platform.isMac() ? 0x80087467L : 0x5414L;
		return this.libc.ioctl(master, tiocswinsz, winsize(cols, rows)) == 0;
	}

	/**
	 * Waits up to {@code timeoutMillis} for data and reads it.
	 * @return the bytes read, an empty array on timeout, or {@code null} at end of stream
	 */
	byte @Nullable [] read(int fd, int timeoutMillis) {
		Memory pollfd = new Memory(8);
		pollfd.setInt(0, fd);
		pollfd.setShort(4, POLLIN);
		pollfd.setShort(6, (short) 0);
		int ready = this.libc.poll(pollfd, 1, timeoutMillis);
		if (ready == 0) {
			return new byte[0];
		}
		if (ready < 0) {
			return null;
		}
		Memory buffer = new Memory(8192);
		int n = this.libc.read(fd, buffer, 8192);
		if (n <= 0) {
			// EIO once every slave descriptor is closed: the terminal's end of stream.
			return null;
		}
		return buffer.getByteArray(0, n);
	}

	boolean write(int fd, byte[] data) {
		if (data.length == 0) {
			return true;
		}
		Memory buffer = new Memory(data.length);
		buffer.write(0, data, 0, data.length);
		long offset = 0;
		while (offset < data.length) {
			int n = this.libc.write(fd, buffer.share(offset), data.length - offset);
			if (n <= 0) {
				return false;
			}
			offset += n;
		}
		return true;
	}

	void close(int fd) {
		this.libc.close(fd);
	}

	/** Sends SIGKILL to every process of the group {@code pgid}. */
	boolean killGroup(long pgid) {
		return pgid > 1 && this.libc.kill((int) -pgid, SIGKILL) == 0;
	}

}
