package ai.together.sandbox.emulator.internal.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts the process of an exec, in a session of its own and optionally on a pseudo-terminal,
 * with threads that pump its output into an {@link OutputLog}; and kills a process with its whole
 * tree.
 */
final class ProcessLauncher {

	private static final Log logger = LogFactory.getLog(ProcessLauncher.class);

	private static final @Nullable String SETSID = findSetsid();

	/** How often {@link #awaitExit} looks again at descendants that have not exited yet. */
	private static final long EXIT_POLL_MILLIS = 5;

	private ProcessLauncher() {
	}

	/**
	 * A started process.
	 * @param process the process
	 * @param stdin its stdin when the exec is interactive without terminal
	 * @param terminal its terminal when it has one
	 * @param pumps the threads that read its output
	 */
	record Launched(Process process, @Nullable OutputStream stdin, @Nullable Terminal terminal, List<Thread> pumps) {
	}

	private static @Nullable String findSetsid() {
		for (String candidate : new String[] { "/usr/bin/setsid", "/bin/setsid" }) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Starts a process.
	 * @param name the name of the exec, for thread names
	 * @param command what to run
	 * @param output where its output goes; the terminal pump stops once it is closed
	 * @return the started process
	 * @throws ApiException 400 if it cannot be started, 500 without pseudo-terminal support
	 */
	static Launched launch(String name, ExecCommand command, OutputLog output) {
		List<String> commandLine = new ArrayList<>();
		// A new session (hence process group) per exec lets delete kill the whole tree, even
		// grandchildren that were re-parented.
		if (SETSID != null) {
			commandLine.add(SETSID);
			if (command.pty()) {
				commandLine.add("--ctty");
			}
			commandLine.add("--");
		}
		commandLine.add(command.executable());
		commandLine.addAll(command.args());
		ProcessBuilder builder = new ProcessBuilder(commandLine).directory(command.cwd().toFile());
		builder.environment().clear();
		builder.environment().putAll(command.env());
		Native nat = Native.get();
		Native.Pty pty = null;
		if (command.pty()) {
			if (nat == null || !nat.supportsPty()) {
				throw new ApiException(500, "pseudo-terminals are not available on this machine");
			}
			pty = nat.openPty(80, 24);
			File slave = new File(pty.slavePath());
			builder.redirectInput(slave).redirectOutput(slave).redirectError(slave);
		}
		else if (!command.interactive()) {
			builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		}
		Process started;
		try {
			started = builder.start();
		}
		catch (IOException ex) {
			if (pty != null) {
				nat.close(pty.master());
				nat.close(pty.slave());
			}
			throw ApiException.badRequest("cannot start '" + command.command() + "': " + startFailure(ex));
		}
		List<Thread> pumps = new ArrayList<>();
		if (pty != null) {
			// The child has its own descriptors on the slave; ours would keep the terminal open.
			nat.close(pty.slave());
			Terminal terminal = new Terminal(nat, pty.master());
			pumps.add(startThread(name, "pty", () -> pumpTerminal(terminal, output)));
			return new Launched(started, null, terminal, pumps);
		}
		OutputStream stdin = null;
		if (command.interactive()) {
			stdin = started.getOutputStream();
		}
		else {
			closeQuietly(started.getOutputStream());
		}
		pumps.add(startThread(name, "stdout", () -> pump(name, started.getInputStream(), "stdout", output)));
		pumps.add(startThread(name, "stderr", () -> pump(name, started.getErrorStream(), "stderr", output)));
		return new Launched(started, stdin, null, pumps);
	}

	/**
	 * The reason a process did not start, without the host directory that the message of
	 * {@link ProcessBuilder#start()} names ({@code Cannot run program "x" (in directory "..."):
	 * error=2, No such file or directory}).
	 */
	private static String startFailure(IOException ex) {
		String message = String.valueOf(ex.getMessage());
		int error = message.lastIndexOf("error=");
		return error >= 0 ? message.substring(error) : ex.getClass().getSimpleName();
	}

	private static Thread startThread(String name, String stream, Runnable body) {
		Thread thread = new Thread(body, "exec-" + name + "-" + stream);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void pump(String name, InputStream in, String type, OutputLog output) {
		Utf8Chunker chunker = new Utf8Chunker();
		byte[] buffer = new byte[8192];
		try (in) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				output.append(type, chunker.decode(buffer, n));
			}
		}
		catch (IOException ex) {
			// The stream is closed when the exec is killed; nothing more to read.
			logger.debug("Output of exec " + name + " ended: " + ex.getMessage());
		}
	}

	private static void pumpTerminal(Terminal terminal, OutputLog output) {
		Utf8Chunker chunker = new Utf8Chunker();
		try {
			while (!output.isClosed()) {
				byte[] data = terminal.read(100);
				if (data == null) {
					break;
				}
				if (data.length > 0) {
					output.append("stdout", chunker.decode(data, data.length));
				}
			}
		}
		finally {
			terminal.close();
		}
	}

	/**
	 * Waits for the output pumps of a process that has exited.
	 */
	static void awaitPumps(Launched launched) {
		for (Thread pump : launched.pumps()) {
			try {
				// Normally the pipes reach end of stream with the process; a background child
				// holding them open must not delay the exit message for long.
				pump.join(TimeUnit.SECONDS.toMillis(1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

	/**
	 * A process tree sent SIGKILL, whose exit is still to be awaited.
	 * @param name the name of the exec, for messages
	 * @param process the process the emulator started
	 * @param descendants the processes of its tree when it was killed
	 */
	record Killed(String name, Process process, List<ProcessHandle> descendants) {
	}

	/**
	 * Sends SIGKILL to a process and every process of its tree (its process group, and each
	 * descendant in case one left the group), without waiting for any of them to exit.
	 * @param name the name of the exec, for messages
	 * @param process the process
	 * @return what {@link #awaitExit} waits for
	 */
	static Killed signalKill(String name, Process process) {
		List<ProcessHandle> descendants = process.descendants().toList();
		Native nat = Native.get();
		if (SETSID != null && nat != null) {
			nat.killGroup(process.pid());
		}
		process.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
		return new Killed(name, process, descendants);
	}

	/**
	 * Waits until every process of the killed trees has exited, all together and for at most
	 * {@code timeout} overall, so that a stopped sandbox or a deleted exec has no process left
	 * when the request returns. A descendant counts as exited once it is a zombie: its parent was
	 * killed too, so reaping it is up to the init process, which may take its time.
	 * @param killed the killed trees
	 * @param timeout the longest the wait lasts
	 */
	static void awaitExit(Collection<Killed> killed, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			// The processes the emulator started are reaped by the JVM as soon as they exit.
			for (Killed tree : killed) {
				tree.process().onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			List<ProcessHandle> pending = new ArrayList<>();
			killed.forEach(tree -> pending.addAll(tree.descendants()));
			pending.removeIf(ProcessLauncher::exited);
			while (!pending.isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(EXIT_POLL_MILLIS);
				pending.removeIf(ProcessLauncher::exited);
			}
			if (!pending.isEmpty()) {
				logger.debug(pending.size() + " processes did not exit in time after SIGKILL");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("A process of exec " + killed.stream().map(Killed::name).toList()
					+ " did not exit in time after SIGKILL");
		}
	}

	/**
	 * Returns whether a process has exited: it is gone, or a zombie ({@code /proc} tells that on
	 * Linux, where {@link ProcessHandle#isAlive()} reports zombies as alive).
	 */
	private static boolean exited(ProcessHandle process) {
		if (!process.isAlive()) {
			return true;
		}
		try {
			// "pid (command) state ...": the command may contain spaces, parentheses, any byte.
			String stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "stat")),
					StandardCharsets.ISO_8859_1);
			int end = stat.lastIndexOf(')');
			return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
		}
		catch (IOException | RuntimeException ex) {
			// Gone meanwhile, or no /proc: isAlive() is all there is.
			return !process.isAlive();
		}
	}

	static void closeQuietly(@Nullable OutputStream stream) {
		if (stream == null) {
			return;
		}
		try {
			stream.close();
		}
		catch (IOException ex) {
			logger.debug("Closing the stdin of an exec failed: " + ex.getMessage());
		}
	}

}
