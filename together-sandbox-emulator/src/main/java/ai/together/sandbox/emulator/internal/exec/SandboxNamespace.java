package ai.together.sandbox.emulator.internal.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The mount and PID namespaces of one running sandbox: a bwrap process, started with the first
 * exec, whose PID namespace every exec of the sandbox joins. Killing its init ends every process
 * of the sandbox, double-forked ones included; bwrap dies with the emulator
 * ({@code --die-with-parent}), and the namespace with it.
 */
public final class SandboxNamespace {

	private static final Log logger = LogFactory.getLog(SandboxNamespace.class);

	/** How long the namespace may take to come up. */
	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private final ProcessIsolation isolation;

	private final Path root;

	private @Nullable Process bwrap;

	/** The namespace's init (PID 1 in it), whose namespaces execs enter. */
	private @Nullable ProcessHandle init;

	private boolean ownUserNamespace;

	/** Set by a kill: no exec may start a new namespace until the sandbox starts again. */
	private boolean closed;

	SandboxNamespace(ProcessIsolation isolation, Path root) {
		this.isolation = isolation;
		this.root = root;
	}

	/**
	 * Returns the command line prefix that runs a command in the namespaces, with {@code cwd} (a
	 * sandbox path) as working directory, starting them when needed.
	 * @throws ApiException 500 if they cannot be started
	 */
	synchronized List<String> enter(String cwd) {
		if (this.closed) {
			throw new ApiException(503, "the sandbox is stopping: its processes were killed");
		}
		if (this.init == null || !this.init.isAlive()) {
			start();
		}
		return this.isolation.enterCommand(this.init.pid(), this.ownUserNamespace, cwd);
	}

	private void start() {
		stop();
		Process started;
		try {
			ProcessBuilder builder = new ProcessBuilder(this.isolation.initCommand(this.root))
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectErrorStream(false);
			builder.environment().clear();
			builder.environment().put("PATH", ProcessIsolation.SANDBOX_PATH);
			started = ProcessLauncher.start(builder);
		}
		catch (IOException ex) {
			throw new ApiException(500, "cannot start the sandbox's namespaces: " + ex.getClass().getSimpleName());
		}
		this.bwrap = started;
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		try {
			// Ready once bwrap's init has forked the idle child: the mounts are in place by then.
			while (System.nanoTime() < deadline) {
				Optional<ProcessHandle> init = started.children().findFirst();
				if (init.isPresent() && init.get().children().findAny().isPresent()) {
					this.init = init.get();
					this.ownUserNamespace = !sameNamespace("user", init.get().pid());
					return;
				}
				if (started.waitFor(2, TimeUnit.MILLISECONDS)) {
					String error = new String(started.getErrorStream().readAllBytes(),
							java.nio.charset.StandardCharsets.UTF_8).trim();
					throw new ApiException(500, "cannot start the sandbox's namespaces: bwrap exited with "
							+ started.exitValue() + (error.isEmpty() ? "" : ": " + error.replace(this.root.toString(), "")));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			logger.debug("Could not read the errors of bwrap: " + ex.getMessage());
		}
		stop();
		throw new ApiException(500, "cannot start the sandbox's namespaces: bwrap did not come up in time");
	}

	private static boolean sameNamespace(String type, long pid) {
		try {
			return Files.readSymbolicLink(Path.of("/proc/self/ns", type))
				.equals(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", type)));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	/**
	 * Returns the ids of the processes in the namespace, its init and idle process included.
	 * @return the process ids, empty when it is not running
	 */
	synchronized Set<Long> pids() {
		Set<Long> pids = new HashSet<>();
		if (this.init != null && this.init.isAlive()) {
			this.init.descendants().forEach(p -> pids.add(p.pid()));
		}
		return pids;
	}

	/** Lets execs start the namespaces again: the sandbox starts. */
	synchronized void open() {
		this.closed = false;
	}

	/**
	 * Sends SIGKILL to the namespace's init: the kernel ends every process of the namespace, and
	 * bwrap exits with it. Execs are refused until {@link #open()}.
	 * @return what {@link ProcessLauncher#awaitExit} waits for, {@code null} if none was running
	 */
	synchronized ProcessLauncher.@Nullable Killed kill() {
		this.closed = true;
		return stop();
	}

	private ProcessLauncher.@Nullable Killed stop() {
		Process running = this.bwrap;
		ProcessHandle pid1 = this.init;
		this.bwrap = null;
		this.init = null;
		if (running == null) {
			return null;
		}
		List<ProcessHandle> members = running.descendants().toList();
		if (pid1 != null && pid1.isAlive()) {
			// bwrap stays to reap its init at once, then exits.
			pid1.destroyForcibly();
		}
		else {
			running.destroyForcibly();
		}
		return new ProcessLauncher.Killed("namespace", running, members);
	}

}
