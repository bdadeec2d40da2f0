package ai.together.sandbox.emulator.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * One exec of a sandbox: a real local process, its buffered output with sequence numbers, and the
 * live subscribers of that output.
 *
 * <p>Status strings are upper case: {@code STOPPED} (created with {@code autorun=false} and not yet
 * started), {@code RUNNING} and {@code FINISHED}.
 */
final class ExecProcess {

	private static final Log logger = LogFactory.getLog(ExecProcess.class);

	static final String STOPPED = "STOPPED";

	static final String RUNNING = "RUNNING";

	static final String FINISHED = "FINISHED";

	/** Buffered output beyond this many characters drops its oldest messages. */
	private static final long MAX_BUFFERED_CHARS = 32L * 1024 * 1024;

	private static final @Nullable String SETSID = findSetsid();

	private static final java.util.concurrent.Executor FINISHER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "exec-finisher");
		thread.setDaemon(true);
		return thread;
	});

	private final String id;

	private final String command;

	private final String executable;

	private final List<String> args;

	private final boolean interactive;

	private final boolean pty;

	private final Path cwd;

	private final Map<String, String> env;

	private final Runnable onChange;

	private final Object lock = new Object();

	private final Deque<Map<String, Object>> output = new ArrayDeque<>();

	private final List<FluxSink<Map<String, Object>>> subscribers = new CopyOnWriteArrayList<>();

	private long bufferedChars;

	private int nextSequence = 1;

	private volatile String status = STOPPED;

	private volatile @Nullable Integer exitCode;

	private volatile long pid;

	private volatile boolean closed;

	private @Nullable Process process;

	private @Nullable OutputStream stdin;

	private Native.@Nullable Pty terminal;

	private final List<Thread> pumps = new ArrayList<>();

	ExecProcess(String id, String command, String executable, List<String> args, boolean interactive, boolean pty,
			Path cwd, Map<String, String> env, Runnable onChange) {
		this.id = id;
		this.command = command;
		this.executable = executable;
		this.args = List.copyOf(args);
		this.interactive = interactive;
		this.pty = pty;
		this.cwd = cwd;
		this.env = env;
		this.onChange = onChange;
	}

	private static @Nullable String findSetsid() {
		for (String candidate : new String[] { "/usr/bin/setsid", "/bin/setsid" }) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		return null;
	}

	String id() {
		return this.id;
	}

	String status() {
		return this.status;
	}

	/**
	 * Starts the process.
	 * @throws ApiException 409 if it was already started
	 */
	void start() {
		synchronized (this.lock) {
			if (!STOPPED.equals(this.status) || this.closed) {
				throw ApiException.conflict("exec " + this.id + " is already " + this.status.toLowerCase());
			}
			List<String> commandLine = new ArrayList<>();
			// A new session (hence process group) per exec lets delete kill the whole tree, even
			// grandchildren that were re-parented.
			if (SETSID != null) {
				commandLine.add(SETSID);
				if (this.pty) {
					commandLine.add("--ctty");
				}
				commandLine.add("--");
			}
			commandLine.add(this.executable);
			commandLine.addAll(this.args);
			ProcessBuilder builder = new ProcessBuilder(commandLine).directory(this.cwd.toFile());
			builder.environment().clear();
			builder.environment().putAll(this.env);
			Native.Pty term = null;
			if (this.pty) {
				Native nat = Native.get();
				if (nat == null || !nat.supportsPty()) {
					throw new ApiException(500, "pseudo-terminals are not available on this machine");
				}
				term = nat.openPty(80, 24);
				File slave = new File(term.slavePath());
				builder.redirectInput(slave).redirectOutput(slave).redirectError(slave);
			}
			else if (!this.interactive) {
				builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			}
			Process started;
			try {
				started = builder.start();
			}
			catch (IOException ex) {
				if (term != null) {
					Native.get().close(term.master());
					Native.get().close(term.slave());
				}
				throw ApiException.badRequest("cannot start '" + this.command + "': " + ex.getMessage());
			}
			this.process = started;
			this.pid = started.pid();
			this.status = RUNNING;
			if (term != null) {
				// The child has its own descriptors on the slave; ours would keep the terminal open.
				Native.get().close(term.slave());
				this.terminal = term;
				Native.Pty t = term;
				this.pumps.add(startThread("pty", () -> pumpTerminal(t.master())));
			}
			else {
				if (this.interactive) {
					this.stdin = started.getOutputStream();
				}
				else {
					closeQuietly(started.getOutputStream());
				}
				this.pumps.add(startThread("stdout", () -> pump(started.getInputStream(), "stdout")));
				this.pumps.add(startThread("stderr", () -> pump(started.getErrorStream(), "stderr")));
			}
		}
		// Outside the lock, and never on this thread: finish() waits for the output pumps, which
		// need the lock to append what they read.
		this.process.onExit().thenRunAsync(this::finish, FINISHER);
		this.onChange.run();
	}

	private Thread startThread(String name, Runnable body) {
		Thread thread = new Thread(body, "exec-" + this.id + "-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private void pump(InputStream in, String type) {
		Utf8Chunker chunker = new Utf8Chunker();
		byte[] buffer = new byte[8192];
		try (in) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				append(type, chunker.decode(buffer, n), null);
			}
		}
		catch (IOException ex) {
			// The stream is closed when the exec is killed; nothing more to read.
			logger.debug("Output of exec " + this.id + " ended: " + ex.getMessage());
		}
	}

	private void pumpTerminal(int master) {
		Native nat = Native.get();
		Utf8Chunker chunker = new Utf8Chunker();
		try {
			while (!this.closed) {
				byte[] data = nat.read(master, 100);
				if (data == null) {
					break;
				}
				if (data.length > 0) {
					append("stdout", chunker.decode(data, data.length), null);
				}
			}
		}
		finally {
			synchronized (this.lock) {
				this.terminal = null;
				nat.close(master);
			}
		}
	}

	private void finish() {
		Process p = this.process;
		if (p == null) {
			return;
		}
		for (Thread pump : this.pumps) {
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
		int code = p.exitValue();
		synchronized (this.lock) {
			if (this.exitCode != null) {
				return;
			}
			closeQuietly(this.stdin);
			this.stdin = null;
			append("stdout", "", code);
			this.exitCode = code;
			this.status = FINISHED;
			this.closed = true;
			for (FluxSink<Map<String, Object>> sink : this.subscribers) {
				sink.complete();
			}
			this.subscribers.clear();
		}
		this.onChange.run();
	}

	private void append(String type, String text, @Nullable Integer code) {
		if (text.isEmpty() && code == null) {
			return;
		}
		synchronized (this.lock) {
			if (this.exitCode != null) {
				// Output after the exit message (from a lingering background child) is dropped so
				// that the exit message stays the last one.
				return;
			}
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("type", type);
			message.put("output", text);
			message.put("sequence", this.nextSequence++);
			message.put("timestamp", Instant.now().toString());
			if (code != null) {
				message.put("exitCode", code);
			}
			this.output.addLast(message);
			this.bufferedChars += text.length();
			while (this.bufferedChars > MAX_BUFFERED_CHARS && this.output.size() > 1) {
				this.bufferedChars -= ((String) this.output.removeFirst().get("output")).length();
			}
			for (FluxSink<Map<String, Object>> sink : this.subscribers) {
				sink.next(message);
			}
		}
	}

	/**
	 * Returns the buffered messages after {@code lastSequence}; a negative value {@code -k} means
	 * the last {@code k} messages.
	 */
	List<Map<String, Object>> output(@Nullable Long lastSequence) {
		synchronized (this.lock) {
			return select(lastSequence);
		}
	}

	private List<Map<String, Object>> select(@Nullable Long lastSequence) {
		List<Map<String, Object>> all = new ArrayList<>(this.output);
		if (lastSequence == null) {
			return all;
		}
		if (lastSequence < 0) {
			int k = (int) Math.min(all.size(), -lastSequence);
			return all.subList(all.size() - k, all.size());
		}
		return all.stream()
			.filter(m -> ((Integer) m.get("sequence")) > lastSequence)
			.collect(Collectors.toList());
	}

	/**
	 * Streams the buffered messages after {@code lastSequence}, then live ones; completes after the
	 * exit message or when the exec is deleted.
	 */
	Flux<Map<String, Object>> stream(@Nullable Long lastSequence) {
		return Flux.create(sink -> {
			synchronized (this.lock) {
				for (Map<String, Object> message : select(lastSequence)) {
					sink.next(message);
				}
				if (this.closed) {
					sink.complete();
					return;
				}
				this.subscribers.add(sink);
			}
			sink.onDispose(() -> this.subscribers.remove(sink));
		}, FluxSink.OverflowStrategy.BUFFER);
	}

	void writeStdin(String data) {
		byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
		synchronized (this.lock) {
			if (!RUNNING.equals(this.status)) {
				throw ApiException.badRequest("exec " + this.id + " is not running");
			}
			if (this.terminal != null) {
				if (!Native.get().write(this.terminal.master(), bytes)) {
					throw new ApiException(500, "cannot write to the terminal of exec " + this.id);
				}
				return;
			}
			if (this.stdin == null) {
				throw ApiException.badRequest("exec " + this.id + " is not interactive");
			}
			try {
				this.stdin.write(bytes);
				this.stdin.flush();
			}
			catch (IOException ex) {
				throw new ApiException(500, "cannot write to the stdin of exec " + this.id + ": " + ex.getMessage());
			}
		}
	}

	void resize(int cols, int rows) {
		synchronized (this.lock) {
			// Resizing an exec without a terminal is accepted and has no effect, like resizing a
			// terminal that is not displayed.
			if (this.terminal != null && !Native.get().resize(this.terminal.master(), cols, rows)) {
				throw new ApiException(500, "cannot resize the terminal of exec " + this.id);
			}
		}
	}

	/**
	 * Kills the process and every process of its tree, and ends the output streams.
	 */
	void kill() {
		Process p;
		synchronized (this.lock) {
			p = this.process;
			this.closed = true;
			for (FluxSink<Map<String, Object>> sink : this.subscribers) {
				sink.complete();
			}
			this.subscribers.clear();
		}
		if (p == null) {
			return;
		}
		List<ProcessHandle> descendants = p.descendants().toList();
		Native nat = Native.get();
		if (SETSID != null && nat != null) {
			nat.killGroup(p.pid());
		}
		p.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
		closeQuietly(this.stdin);
		// Wait (briefly) for the kill to take effect, so that a stopped sandbox or a deleted exec
		// has no process left when the request returns.
		try {
			p.onExit().get(2, TimeUnit.SECONDS);
			for (ProcessHandle descendant : descendants) {
				descendant.onExit().get(2, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			logger.debug("A process of exec " + this.id + " did not exit in time after SIGKILL");
		}
	}

	/**
	 * Returns the ids of the live processes of this exec's tree.
	 */
	Set<Long> pids() {
		Process p = this.process;
		if (p == null || !p.isAlive()) {
			return Set.of();
		}
		Set<Long> pids = new java.util.HashSet<>();
		pids.add(p.pid());
		p.descendants().forEach(h -> pids.add(h.pid()));
		return pids;
	}

	Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", this.id);
		json.put("command", this.command);
		json.put("args", this.args);
		json.put("status", this.status);
		json.put("pid", this.pid);
		json.put("interactive", this.interactive);
		json.put("pty", this.pty);
		json.put("exitCode", this.exitCode);
		return json;
	}

	private static void closeQuietly(@Nullable OutputStream stream) {
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

	/**
	 * Decodes UTF-8 chunk by chunk, carrying an incomplete trailing sequence over to the next
	 * chunk so that a character split across reads is not garbled.
	 */
	static final class Utf8Chunker {

		private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);

		private byte[] pending = new byte[0];

		String decode(byte[] data, int length) {
			ByteBuffer in = ByteBuffer.allocate(this.pending.length + length);
			in.put(this.pending).put(data, 0, length).flip();
			CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
			this.decoder.decode(in, out, false);
			this.pending = new byte[in.remaining()];
			in.get(this.pending);
			out.flip();
			return out.toString();
		}

	}

}
