package ai.together.sandbox.emulator.internal.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * The execs of one sandbox, in creation order, and the listeners of their list.
 */
public final class SandboxExecs {

	private final Map<String, ExecProcess> execs = new LinkedHashMap<>();

	private final List<Consumer<List<Map<String, Object>>>> listeners = new CopyOnWriteArrayList<>();

	/** Whether execs are refused: from a kill of all of them (a stop) until {@link #open()}. */
	private boolean closed;

	private @Nullable SandboxNamespace namespace;

	/**
	 * Returns the namespaces the execs of the sandbox run in.
	 * @param isolation how the emulator runs execs
	 * @param root the directory of the sandbox's files, its {@code /}
	 * @return the namespaces, {@code null} when execs run on this machine
	 */
	public synchronized @Nullable SandboxNamespace namespace(ProcessIsolation isolation, Path root) {
		if (!isolation.namespaced()) {
			return null;
		}
		if (this.namespace == null) {
			this.namespace = new SandboxNamespace(isolation, root);
		}
		return this.namespace;
	}

	/** Accepts execs again, after a kill of all of them: the sandbox starts. */
	public synchronized void open() {
		this.closed = false;
		if (this.namespace != null) {
			this.namespace.open();
		}
	}

	/**
	 * Returns an exec.
	 * @param id the exec id
	 * @return the exec
	 * @throws ApiException 404 if there is none
	 */
	public synchronized ExecProcess get(String id) {
		ExecProcess exec = this.execs.get(id);
		if (exec == null) {
			throw ApiException.notFound("exec " + id + " not found");
		}
		return exec;
	}

	/**
	 * Adds an exec under a new unique id.
	 * @param ids makes candidate ids
	 * @param factory creates the exec for its id
	 * @return the exec
	 */
	public synchronized ExecProcess add(Supplier<String> ids, Function<String, ExecProcess> factory) {
		if (this.closed) {
			// Admitted while the sandbox ran, reached here once it stopped: refused, never left
			// running in a stopped sandbox.
			throw new ApiException(503, "the sandbox is stopping: its processes were killed");
		}
		String id;
		do {
			id = ids.get();
		}
		while (this.execs.containsKey(id));
		ExecProcess exec = factory.apply(id);
		this.execs.put(id, exec);
		return exec;
	}

	/**
	 * Forgets an exec (without killing it) and the output it keeps.
	 * @param exec the exec
	 */
	public void remove(ExecProcess exec) {
		synchronized (this) {
			this.execs.remove(exec.id(), exec);
		}
		exec.output().release();
	}

	/**
	 * Kills an exec and forgets it.
	 * @param exec the exec
	 * @return the agent's answer
	 */
	public Map<String, Object> delete(ExecProcess exec) {
		remove(exec);
		exec.kill();
		changed();
		return Map.of("message", "Exec deleted successfully");
	}

	/**
	 * Returns the Exec models of every exec.
	 * @return the JSON objects
	 */
	public synchronized List<Map<String, Object>> list() {
		List<Map<String, Object>> list = new ArrayList<>();
		for (ExecProcess exec : this.execs.values()) {
			list.add(exec.toJson());
		}
		return list;
	}

	/** Tells the listeners that an exec was added, removed or changed its status. */
	public void changed() {
		List<Map<String, Object>> list = list();
		for (Consumer<List<Map<String, Object>>> listener : this.listeners) {
			listener.accept(list);
		}
	}

	/**
	 * Listens to the list of execs.
	 * @param listener receives the list after every change
	 * @return what removes the listener
	 */
	public Runnable listen(Consumer<List<Map<String, Object>>> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Returns the ids of the live processes of every exec, and with namespaces of every process
	 * of the sandbox.
	 * @return the process ids
	 */
	public synchronized Set<Long> pids() {
		Set<Long> pids = new HashSet<>();
		for (ExecProcess exec : this.execs.values()) {
			pids.addAll(exec.pids());
		}
		if (this.namespace != null) {
			// Also what outlived its exec (a server started in the background), re-parented to
			// the namespace's init.
			pids.addAll(this.namespace.pids());
		}
		return pids;
	}

	/** Kills every exec and forgets them: an agent that stops loses its execs. */
	public void killAll() {
		killAll(List.of(this));
	}

	/**
	 * Kills every exec of several sandboxes and forgets them, at once: every process tree is sent
	 * SIGKILL before any exit is awaited, and the exits are awaited together.
	 * @param sandboxes the execs of each sandbox
	 */
	public static void killAll(Collection<SandboxExecs> sandboxes) {
		List<ProcessLauncher.Killed> killed = new ArrayList<>();
		for (SandboxExecs execs : sandboxes) {
			List<ExecProcess> all;
			SandboxNamespace namespace;
			synchronized (execs) {
				execs.closed = true;
				all = new ArrayList<>(execs.execs.values());
				execs.execs.clear();
				namespace = execs.namespace;
			}
			if (namespace != null) {
				// Its init first: the kernel kills every process of the sandbox, and each exec's
				// nsenter, outside the namespace, reaps its command and exits. Killing nsenter
				// first would leave its command to be reaped by this machine's init, which may
				// take its time.
				ProcessLauncher.Killed members = namespace.kill();
				if (members != null) {
					killed.add(members);
				}
			}
			for (ExecProcess exec : all) {
				// Waits for a start in progress: the process is then killed with the others.
				ProcessLauncher.Killed tree = namespace != null ? exec.detach() : exec.signalKill(true);
				exec.output().release();
				if (tree != null) {
					killed.add(tree);
				}
			}
		}
		ProcessLauncher.awaitExit(killed, ExecProcess.KILL_TIMEOUT);
		// Whatever is left (a start that raced the namespace's end) is killed like a process of
		// this machine.
		List<ProcessLauncher.Killed> left = new ArrayList<>();
		for (ProcessLauncher.Killed tree : killed) {
			if (tree.process() != null && tree.process().isAlive()) {
				left.add(ProcessLauncher.signalKill(tree.name(), tree.process(), null, true));
			}
		}
		if (!left.isEmpty()) {
			ProcessLauncher.awaitExit(left, ExecProcess.KILL_TIMEOUT);
		}
		sandboxes.forEach(SandboxExecs::changed);
	}

}
