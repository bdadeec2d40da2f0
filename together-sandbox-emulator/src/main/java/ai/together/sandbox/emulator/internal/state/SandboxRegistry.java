package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.emulator.internal.exec.SandboxExecs;
import ai.together.sandbox.emulator.internal.files.FileTrees;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The sandboxes by id, their directories, and their lifecycle: starting and stopping take the
 * transition delay, and a wait settles once the current transition has.
 */
public final class SandboxRegistry {

	private static final Log logger = LogFactory.getLog(SandboxRegistry.class);

	private final Map<String, SandboxInstance> sandboxes = new ConcurrentHashMap<>();

	private final Path directory;

	private final Duration transitionDelay;

	private final Duration waitCap;

	private final Runnable changed;

	private final ScheduledExecutorService scheduler;

	SandboxRegistry(Path directory, Duration transitionDelay, Duration waitCap, Runnable changed) {
		this.directory = directory;
		this.transitionDelay = transitionDelay;
		this.waitCap = waitCap;
		this.changed = changed;
		this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, "sandbox-emulator-lifecycle");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Returns a sandbox.
	 * @param id the sandbox id
	 * @return the sandbox
	 * @throws ApiException 404 if there is none
	 */
	public SandboxInstance get(String id) {
		SandboxInstance sandbox = this.sandboxes.get(id);
		if (sandbox == null) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		return sandbox;
	}

	/**
	 * Returns a sandbox, or {@code null}.
	 * @param id the sandbox id
	 * @return the sandbox
	 */
	public @Nullable SandboxInstance find(String id) {
		return this.sandboxes.get(id);
	}

	/**
	 * Returns every sandbox, oldest first.
	 * @return the sandboxes
	 */
	public List<SandboxInstance> list() {
		List<SandboxInstance> list = new ArrayList<>(this.sandboxes.values());
		list.sort(Comparator.comparing(SandboxInstance::createdAt));
		return list;
	}

	/**
	 * Creates a sandbox in status {@code created}.
	 * @param id the sandbox id
	 * @param millicpu the CPU
	 * @param memoryBytes the memory
	 * @param diskBytes the disk
	 * @param ephemeral whether it is ephemeral
	 * @param snapshotId the snapshot it is created from
	 * @param initialTree the directory copied as its file tree, if any
	 * @return the sandbox
	 * @throws ApiException 400 if the id is taken
	 */
	public SandboxInstance create(String id, long millicpu, long memoryBytes, long diskBytes, boolean ephemeral,
			String snapshotId, @Nullable Path initialTree) {
		return create(id, millicpu, memoryBytes, diskBytes, ephemeral, snapshotId, initialTree, null);
	}

	/**
	 * Creates a sandbox in status {@code created}, of the current generation when {@code current}
	 * is given.
	 * @param id the sandbox id
	 * @param millicpu the CPU
	 * @param memoryBytes the memory
	 * @param diskBytes the disk
	 * @param ephemeral whether it is ephemeral
	 * @param snapshotId the snapshot it is created from
	 * @param initialTree the directory copied as its file tree, if any
	 * @param current the fields of the current generation, {@code null} for a seed sandbox
	 * @return the sandbox
	 * @throws ApiException 400 if the id is taken
	 */
	public SandboxInstance create(String id, long millicpu, long memoryBytes, long diskBytes, boolean ephemeral,
			String snapshotId, @Nullable Path initialTree, @Nullable CurrentFields current) {
		SandboxInstance sandbox = new SandboxInstance(id, this.directory.resolve(id), Instant.now(), millicpu,
				memoryBytes, diskBytes, ephemeral, snapshotId, UUID.randomUUID().toString());
		sandbox.current(current);
		if (this.sandboxes.putIfAbsent(id, sandbox) != null) {
			throw ApiException.badRequest("a sandbox with id " + id + " already exists");
		}
		try {
			Files.createDirectories(sandbox.files().root());
			if (initialTree != null && Files.isDirectory(initialTree)) {
				FileTrees.copyTree(initialTree, sandbox.files().root());
			}
		}
		catch (IOException ex) {
			this.sandboxes.remove(id);
			throw new ApiException(500, "cannot create the sandbox directory: " + SandboxFiles.reason(ex));
		}
		this.changed.run();
		return sandbox;
	}

	/**
	 * Waits (without blocking a thread) until the sandbox is in a stable status, at most the wait
	 * cap.
	 * @param sandbox the sandbox
	 * @return the sandbox, once settled
	 */
	public Mono<SandboxInstance> settled(SandboxInstance sandbox) {
		return Mono.fromFuture(sandbox.settled(), true)
			.timeout(this.waitCap)
			.onErrorResume(ex -> Mono.empty())
			.thenReturn(sandbox);
	}

	/**
	 * Starts a created or stopped sandbox; anything else is left as it is.
	 * @param sandbox the sandbox
	 */
	public void start(SandboxInstance sandbox) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (!sandbox.beginStart(settled)) {
			return;
		}
		// A stop refused new execs from its kill on: the sandbox runs again.
		sandbox.execs().open();
		this.scheduler.schedule(() -> {
			sandbox.finishStart();
			settled.complete(null);
			this.changed.run();
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
		this.changed.run();
	}

	/**
	 * Stops a running sandbox, killing its execs; anything else is left as it is.
	 * @param sandbox the sandbox
	 * @param stopType {@code shutdown} or {@code hibernate}
	 */
	public void stop(SandboxInstance sandbox, String stopType) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (!sandbox.beginStop(stopType, settled)) {
			return;
		}
		this.scheduler.schedule(() -> {
			try {
				sandbox.execs().killAll();
			}
			finally {
				sandbox.finishStop(stopType);
				settled.complete(null);
				this.changed.run();
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
		this.changed.run();
	}

	/**
	 * Terminates a running sandbox of the current generation: like a stop, and before it settles
	 * as stopped (terminated) its execs are killed and then {@code beforeTerminated} runs (it takes
	 * the termination snapshot). Anything but a running sandbox is left as it is.
	 * @param sandbox the sandbox
	 * @param reason the status reason of the termination
	 * @param beforeTerminated runs once the execs are dead, before the status is terminated
	 * @return whether a termination began
	 */
	public boolean terminate(SandboxInstance sandbox, String reason, Runnable beforeTerminated) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (!sandbox.beginTermination(reason, settled)) {
			return false;
		}
		this.scheduler.schedule(() -> {
			try {
				sandbox.execs().killAll();
				beforeTerminated.run();
			}
			catch (RuntimeException ex) {
				logger.warn("The termination of sandbox " + sandbox.id() + " did not complete: " + ex.getMessage());
			}
			finally {
				sandbox.finishStop("shutdown");
				settled.complete(null);
				this.changed.run();
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
		this.changed.run();
		return true;
	}

	/**
	 * Runs a task on the lifecycle thread after a delay (a ttl running out).
	 * @param task the task
	 * @param delay the delay
	 */
	public void schedule(Runnable task, Duration delay) {
		try {
			this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// The emulator is closing: nothing is terminated any more.
			logger.debug("Not scheduled: the emulator is closing");
		}
	}

	/**
	 * Deletes a sandbox: its execs, its directory and its record.
	 * @param sandbox the sandbox
	 */
	public void delete(SandboxInstance sandbox) {
		if (this.sandboxes.remove(sandbox.id(), sandbox)) {
			sandbox.execs().killAll();
			sandbox.markDeleted();
			try {
				FileTrees.deleteRecursively(sandbox.directory());
			}
			catch (IOException ex) {
				logger.warn("Could not delete the directory of sandbox " + sandbox.id() + ": " + ex.getMessage());
			}
			this.changed.run();
		}
	}

	List<SandboxRecord> records() {
		return list().stream().map(SandboxInstance::record).toList();
	}

	void restore(List<SandboxRecord> records) {
		for (SandboxRecord record : records) {
			try {
				SandboxInstance sandbox = SandboxInstance.restore(record, this.directory.resolve(record.id()));
				Files.createDirectories(sandbox.files().root());
				this.sandboxes.put(record.id(), sandbox);
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Ignoring sandbox " + record.id() + " of the saved state: " + ex.getMessage());
			}
		}
	}

	/** Kills the execs of every sandbox, all at once, and stops the lifecycle timers. */
	void close() {
		SandboxExecs.killAll(this.sandboxes.values().stream().map(SandboxInstance::execs).toList());
		this.sandboxes.values().forEach(sandbox -> sandbox.blocking().dispose());
		this.scheduler.shutdownNow();
	}

}
