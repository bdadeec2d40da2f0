package ai.together.sandbox.emulator.internal.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * One exec of a sandbox: what it runs, its status and exit code, its process once started, and
 * its {@link OutputLog}.
 *
 * <p>Status strings are upper case: {@code STOPPED} (created with {@code autorun=false} and not yet
 * started), {@code RUNNING} and {@code FINISHED}. An exec of a sandbox of the current generation
 * shows them in the current agent's words ({@code CREATED}, {@code RUNNING}, {@code EXITED}), with
 * no {@code interactive} key and with the {@code user} it was created for.
 */
public final class ExecProcess {

	/** Created and not started. */
	public static final String STOPPED = "STOPPED";

	/** Started and not exited. */
	public static final String RUNNING = "RUNNING";

	/** Exited. */
	public static final String FINISHED = "FINISHED";

	/** The longest a kill waits for the killed processes to exit, however many there are. */
	static final Duration KILL_TIMEOUT = Duration.ofSeconds(2);

	private static final Executor FINISHER = Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "exec-finisher");
		thread.setDaemon(true);
		return thread;
	});

	private final String id;

	private final ExecCommand command;

	private final Runnable onChange;

	private final boolean currentDialect;

	private final @Nullable String user;

	private final Object lock = new Object();

	private final OutputLog output;

	private volatile String status = STOPPED;

	private volatile @Nullable Integer exitCode;

	private volatile long pid;

	private ProcessLauncher.@Nullable Launched launched;

	private @Nullable OutputStream stdin;

	/**
	 * Creates an exec that is not started yet.
	 * @param id the exec id
	 * @param command what it runs
	 * @param budget the limits of the output it keeps
	 * @param onChange called when its status changes
	 */
	public ExecProcess(String id, ExecCommand command, OutputBudget budget, Runnable onChange) {
		this(id, command, budget, onChange, false, null);
	}

	/**
	 * Creates an exec that is not started yet, in the JSON form of one agent generation.
	 * @param id the exec id
	 * @param command what it runs
	 * @param budget the limits of the output it keeps
	 * @param onChange called when its status changes
	 * @param currentDialect whether it is shown in the current agent's form
	 * @param user the {@code uid:gid} it was created for (current form only), or {@code null}
	 */
	public ExecProcess(String id, ExecCommand command, OutputBudget budget, Runnable onChange,
			boolean currentDialect, @Nullable String user) {
		this.id = id;
		this.command = command;
		this.output = new OutputLog(budget);
		this.onChange = onChange;
		this.currentDialect = currentDialect;
		this.user = user;
	}

	/**
	 * Whether the process has started and not exited.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return RUNNING.equals(this.status);
	}

	/**
	 * Returns the exec id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns the output of the exec.
	 * @return the output log
	 */
	public OutputLog output() {
		return this.output;
	}

	/**
	 * Starts the process.
	 * @throws ApiException 409 if it was already started or the exec was killed
	 */
	public void start() {
		ProcessLauncher.Launched started;
		synchronized (this.lock) {
			if (this.output.isClosed()) {
				throw ApiException.conflict("exec " + this.id + " was killed before it started");
			}
			if (!STOPPED.equals(this.status)) {
				throw ApiException.conflict("exec " + this.id + " is already " + this.status.toLowerCase());
			}
			started = ProcessLauncher.launch(this.id, this.command, this.output);
			this.launched = started;
			this.stdin = started.stdin();
			this.pid = started.process().pid();
			this.status = RUNNING;
		}
		// Never on this thread: finish() waits for the output pumps.
		started.process().onExit().thenRunAsync(() -> finish(started), FINISHER);
		this.onChange.run();
	}

	private void finish(ProcessLauncher.Launched finished) {
		ProcessLauncher.awaitPumps(finished);
		int code = finished.process().exitValue();
		if (this.command.processRecords() != null && this.command.namespace() == null) {
			Leftovers.forgetIfEmpty(this.command.processRecords(), finished.process().pid(), finished.startedAt());
		}
		synchronized (this.lock) {
			if (this.exitCode != null) {
				return;
			}
			ProcessLauncher.closeQuietly(this.stdin);
			this.stdin = null;
			// The exit message first: whoever sees FINISHED finds it in the output.
			this.output.end(code);
			this.exitCode = code;
			this.status = FINISHED;
		}
		this.onChange.run();
	}

	/**
	 * Writes to the terminal or stdin of the process.
	 * @param data the text
	 * @throws ApiException 400 if the exec is not running or not interactive
	 */
	public void writeStdin(String data) {
		byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
		synchronized (this.lock) {
			if (!RUNNING.equals(this.status)) {
				throw ApiException.badRequest("exec " + this.id + " is not running");
			}
			Terminal terminal = this.launched != null ? this.launched.terminal() : null;
			if (terminal != null && terminal.isOpen()) {
				if (!terminal.write(bytes)) {
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
				throw new ApiException(500, "cannot write to the stdin of exec " + this.id + ": " + ex.getClass().getSimpleName());
			}
		}
	}

	/**
	 * Resizes the terminal of the process.
	 * @param cols the columns
	 * @param rows the rows
	 */
	public void resize(int cols, int rows) {
		synchronized (this.lock) {
			// Resizing an exec without a terminal is accepted and has no effect, like resizing a
			// terminal that is not displayed.
			Terminal terminal = this.launched != null ? this.launched.terminal() : null;
			if (terminal != null && !terminal.resize(cols, rows)) {
				throw new ApiException(500, "cannot resize the terminal of exec " + this.id);
			}
		}
	}

	/**
	 * Kills the process and every process of its tree, waits for them to exit, and ends the
	 * output streams.
	 */
	public void kill() {
		ProcessLauncher.Killed killed = signalKill(true);
		if (killed != null) {
			ProcessLauncher.awaitExit(List.of(killed), KILL_TIMEOUT);
		}
	}

	/**
	 * Sends SIGKILL to the process and every process of its tree without waiting for them to
	 * exit, and ends the output streams.
	 * @return the killed tree to await, {@code null} if the process was never started
	 */
	ProcessLauncher.@Nullable Killed signalKill(boolean sessions) {
		ProcessLauncher.Launched running;
		synchronized (this.lock) {
			running = this.launched;
			this.output.close();
		}
		if (running == null) {
			return null;
		}
		ProcessLauncher.closeQuietly(this.stdin);
		return ProcessLauncher.signalKill(this.id, running.process(), running.startedAt(), sessions);
	}

	/**
	 * Ends the output streams and returns the process to await, without signalling it: for a
	 * process that its namespace's end kills.
	 * @return the tree to await, {@code null} if the process was never started
	 */
	ProcessLauncher.@Nullable Killed detach() {
		ProcessLauncher.Launched running;
		synchronized (this.lock) {
			running = this.launched;
			this.output.close();
		}
		if (running == null) {
			return null;
		}
		ProcessLauncher.closeQuietly(this.stdin);
		return new ProcessLauncher.Killed(this.id, running.process(), List.of());
	}

	/**
	 * Returns the ids of the live processes of this exec's tree.
	 * @return the process ids
	 */
	public Set<Long> pids() {
		ProcessLauncher.Launched running = this.launched;
		Process process = running != null ? running.process() : null;
		if (process == null || !process.isAlive()) {
			return Set.of();
		}
		Set<Long> pids = new HashSet<>();
		pids.add(process.pid());
		process.descendants().forEach(h -> pids.add(h.pid()));
		return pids;
	}

	/**
	 * Returns the Exec model of the agent API.
	 * @return the JSON object
	 */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", this.id);
		json.put("command", this.command.command());
		json.put("args", this.command.args());
		String status = this.status;
		json.put("status", !this.currentDialect ? status : switch (status) {
			case STOPPED -> "CREATED";
			case FINISHED -> "EXITED";
			default -> status;
		});
		json.put("pid", this.pid);
		if (!this.currentDialect) {
			json.put("interactive", this.command.interactive());
		}
		json.put("pty", this.command.pty());
		json.put("exitCode", this.exitCode);
		if (this.currentDialect && this.user != null) {
			json.put("user", this.user);
		}
		return json;
	}

}
