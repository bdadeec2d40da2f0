package ai.together.sandbox.emulator.internal.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

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

	/**
	 * How long the output pumps of an exited process may read nothing before its exit is
	 * reported (a background child holds its pipes).
	 */
	static final Duration PUMP_DRAIN = Duration.ofSeconds(1);

	/** How long the output of an exited process is read at most before its exit is reported. */
	static final Duration MAX_PUMP_DRAIN = Duration.ofSeconds(10);

	/**
	 * The one thread that starts every process. bwrap's {@code --die-with-parent} is a
	 * parent-death signal, which Linux sends when the thread that started the process ends, not
	 * the process: a pooled thread that retires would take a sandbox's processes with it.
	 */
	private static final ExecutorService STARTER = Executors.newSingleThreadExecutor(r -> {
		Thread thread = new Thread(r, "sandbox-emulator-process-starter");
		thread.setDaemon(true);
		return thread;
	});

	private ProcessLauncher() {
	}

	/**
	 * Starts a process on the starter thread.
	 * @param builder what to start
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	static Process start(ProcessBuilder builder) throws IOException {
		Future<Process> started = STARTER.submit(builder::start);
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return started.get();
				}
				catch (InterruptedException ex) {
					// The process may be starting: wait for it, so that it is never lost.
					interrupted = true;
				}
			}
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IllegalStateException("cannot start a process", ex.getCause());
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * A started process.
	 * @param process the process
	 * @param stdin its stdin when the exec is interactive without terminal
	 * @param terminal its terminal when it has one
	 * @param pumps the threads that read its output
	 * @param startedAt when it started, {@code null} if unknown
	 * @param lastRead when a pump last read output ({@link System#nanoTime()}); the launch before
	 * the first read
	 */
	record Launched(Process process, @Nullable OutputStream stdin, @Nullable Terminal terminal, List<Thread> pumps,
			@Nullable Instant startedAt, AtomicLong lastRead) {
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
		SandboxNamespace namespace = command.namespace();
		if (SETSID != null) {
			commandLine.add(SETSID);
			if (command.pty() && namespace == null) {
				commandLine.add("--ctty");
			}
			commandLine.add("--");
		}
		if (namespace != null) {
			commandLine.addAll(namespace.enter(command.sandboxCwd()));
			if (command.pty() && SETSID != null) {
				// The terminal's session leads inside the namespace: a shell's job control looks
				// up the terminal's process groups there.
				commandLine.addAll(List.of(SETSID, "--ctty", "--"));
			}
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
			started = start(builder);
		}
		catch (IOException ex) {
			if (pty != null) {
				nat.close(pty.master());
				nat.close(pty.slave());
			}
			throw ApiException.badRequest("cannot start '" + command.command() + "': " + startFailure(ex));
		}
		Instant startedAt = started.info().startInstant().orElse(null);
		if (namespace == null && command.processRecords() != null) {
			// The namespace dies with the emulator; a session on this machine would not.
			Leftovers.record(command.processRecords(), started);
		}
		List<Thread> pumps = new ArrayList<>();
		AtomicLong lastRead = new AtomicLong(System.nanoTime());
		if (pty != null) {
			// The child has its own descriptors on the slave; ours would keep the terminal open.
			nat.close(pty.slave());
			Terminal terminal = new Terminal(nat, pty.master());
			pumps.add(startThread(name, "pty", () -> pumpTerminal(terminal, output, lastRead)));
			return new Launched(started, null, terminal, pumps, startedAt, lastRead);
		}
		OutputStream stdin = null;
		if (command.interactive()) {
			stdin = started.getOutputStream();
		}
		else {
			closeQuietly(started.getOutputStream());
		}
		pumps.add(startThread(name, "stdout", () -> pump(name, started.getInputStream(), "stdout", output, lastRead)));
		pumps.add(startThread(name, "stderr", () -> pump(name, started.getErrorStream(), "stderr", output, lastRead)));
		return new Launched(started, stdin, null, pumps, startedAt, lastRead);
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

	private static void pump(String name, InputStream in, String type, OutputLog output, AtomicLong lastRead) {
		Utf8Chunker chunker = new Utf8Chunker();
		byte[] buffer = new byte[8192];
		try (in) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				lastRead.set(System.nanoTime());
				output.append(type, chunker.decode(buffer, n));
			}
		}
		catch (IOException ex) {
			// The stream is closed when the exec is killed; nothing more to read.
			logger.debug("Output of exec " + name + " ended: " + ex.getMessage());
		}
	}

	private static void pumpTerminal(Terminal terminal, OutputLog output, AtomicLong lastRead) {
		Utf8Chunker chunker = new Utf8Chunker();
		try {
			while (!output.isClosed()) {
				byte[] data = terminal.read(100);
				if (data == null) {
					break;
				}
				if (data.length > 0) {
					lastRead.set(System.nanoTime());
					output.append("stdout", chunker.decode(data, data.length));
				}
			}
		}
		finally {
			terminal.close();
		}
	}

	/**
	 * Waits for the output pumps of a process that has exited: until they end, or, while a process
	 * of its session is still alive (a background child that may hold its pipes), until none has
	 * read anything for {@link #PUMP_DRAIN}; at most {@link #MAX_PUMP_DRAIN} in all.
	 */
	static void awaitPumps(Launched launched) {
		// Normally the pipes reach end of stream with the process; a background child holding
		// them open (both stdout and stderr, as a shell's `cmd &` does) must not delay the exit
		// message for long: one idle period for all pumps, not one each. Idle, not since the
		// exit: on a busy machine the pumps may still be reading what the process wrote before
		// it exited, and output read after the exit message would be dropped.
		long exited = System.nanoTime();
		long hardDeadline = exited + MAX_PUMP_DRAIN.toNanos();
		boolean idleEndsTheWait = true;
		for (Thread pump : launched.pumps()) {
			while (pump.isAlive()) {
				// nanoTime values compare by their difference only (they may be negative).
				long last = launched.lastRead().get();
				long idleDeadline = ((last - exited > 0) ? last : exited) + PUMP_DRAIN.toNanos();
				long deadline = idleEndsTheWait ? Math.min(idleDeadline, hardDeadline) : hardDeadline;
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					if (deadline == hardDeadline || sessionMayHoldPipes(launched)) {
						return;
					}
					// Nothing is left that could hold the pipes, so they reach end of stream: a pump
					// that read nothing for a drain period was not given the CPU (a saturated
					// machine), and what it has still to read would be lost after the exit message.
					idleEndsTheWait = false;
					continue;
				}
				try {
					pump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Whether this machine lets the emulator tell the processes of an exec's session: it starts
	 * each exec in a session of its own ({@code setsid}) and can read {@code /proc}.
	 * @return {@code true} when it can
	 */
	static boolean tellsSessions() {
		return SETSID != null && Files.isDirectory(Path.of("/proc"));
	}

	/**
	 * Whether a process other than the exited one may still hold its pipes: a live process of its
	 * session (every exec leads a session of its own), or, without {@code setsid} or without
	 * {@code /proc} to tell, always.
	 */
	private static boolean sessionMayHoldPipes(Launched launched) {
		if (!tellsSessions()) {
			return true;
		}
		return sessionMembers(launched.process().pid(), launched.startedAt()).stream()
			.anyMatch(member -> !exited(member));
	}

	/**
	 * A process tree sent SIGKILL, whose exit is still to be awaited.
	 * @param name the name of the exec, for messages
	 * @param process the process the emulator started, {@code null} for processes it did not
	 * @param descendants the processes of its tree when it was killed
	 */
	record Killed(String name, @Nullable Process process, List<ProcessHandle> descendants) {
	}

	/**
	 * Sends SIGKILL to a process and every process of its tree (its process group, each
	 * descendant in case one left the group, and optionally its sessions), without waiting for
	 * any of them to exit.
	 * @param name the name of the exec, for messages
	 * @param process the process
	 * @param startedAt when it started, {@code null} if unknown
	 * @param sessions whether the members of its sessions are looked up too (one pass over
	 * {@code /proc})
	 * @return what {@link #awaitExit} waits for
	 */
	static Killed signalKill(String name, Process process, @Nullable Instant startedAt, boolean sessions) {
		List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
		Native nat = Native.get();
		if (SETSID != null && nat != null) {
			nat.killGroup(process.pid());
		}
		if (SETSID != null && sessions) {
			// A process that left the group (a shell's job) or whose parent exited (a double
			// fork, re-parented to init) is still in the session: end those too, and the sessions
			// of the tree's own (a terminal's inside a namespace).
			Set<Long> sids = new HashSet<>();
			sids.add(process.pid());
			Map<Long, Long> all = sessions();
			for (ProcessHandle descendant : descendants) {
				if (Long.valueOf(descendant.pid()).equals(all.get(descendant.pid()))) {
					sids.add(descendant.pid());
				}
			}
			for (ProcessHandle member : members(all, sids, startedAt)) {
				member.destroyForcibly();
				descendants.add(member);
			}
		}
		process.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
		return new Killed(name, process, descendants);
	}

	/**
	 * Returns the live processes of the session {@code sid} that started at or after
	 * {@code notBefore} (a process of a session whose id was reused long ago is spared), read from
	 * {@code /proc}; none where there is no {@code /proc}.
	 * @param sid the session id: the process id of its leader
	 * @param notBefore when the leader started, {@code null} if unknown
	 * @return the processes
	 */
	static List<ProcessHandle> sessionMembers(long sid, @Nullable Instant notBefore) {
		return members(sessions(), Set.of(sid), notBefore);
	}

	private static List<ProcessHandle> members(Map<Long, Long> sessions, Set<Long> sids,
			@Nullable Instant notBefore) {
		List<ProcessHandle> members = new ArrayList<>();
		sessions.forEach((pid, sid) -> {
			if (sid > 1 && sids.contains(sid)) {
				ProcessHandle.of(pid)
					.filter(p -> notBefore == null
							|| p.info().startInstant().map(start -> !start.isBefore(notBefore)).orElse(true))
					.ifPresent(members::add);
			}
		});
		return members;
	}

	/** The session of every process, by process id, read in one pass over {@code /proc}. */
	private static Map<Long, Long> sessions() {
		Map<Long, Long> sessions = new HashMap<>();
		try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path entry : entries) {
				try {
					long pid = Long.parseLong(entry.getFileName().toString());
					sessions.put(pid, session(pid));
				}
				catch (NumberFormatException | IOException ex) {
					// Gone meanwhile.
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot list the sessions of /proc: " + ex.getMessage());
		}
		return sessions;
	}

	/** The session id of a process, field 6 of {@code /proc/<pid>/stat}. */
	private static long session(long pid) throws IOException {
		String stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
				StandardCharsets.ISO_8859_1);
		// "pid (command) state ppid pgrp session ...": the command may contain anything.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
		return fields.length >= 4 ? Long.parseLong(fields[3]) : -1;
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
				if (tree.process() == null) {
					continue;
				}
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
