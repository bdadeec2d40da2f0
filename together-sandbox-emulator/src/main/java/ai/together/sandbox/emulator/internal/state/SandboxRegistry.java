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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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

	/** Ids being created: taken, but not yet saved and visible. */
	private final Set<String> reserved = ConcurrentHashMap.newKeySet();

	private final Path directory;

	private final Duration transitionDelay;

	private final Duration waitCap;

	private final StateStore store;

	private final ScheduledExecutorService scheduler;

	SandboxRegistry(Path directory, Duration transitionDelay, Duration waitCap, StateStore store) {
		this.directory = directory;
		this.transitionDelay = transitionDelay;
		this.waitCap = waitCap;
		this.store = store;
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
	 * @throws ApiException 400 if the id is taken, 500 if it cannot be saved (then it does not
	 * exist)
	 */
	public SandboxInstance create(String id, long millicpu, long memoryBytes, long diskBytes, boolean ephemeral,
			String snapshotId, @Nullable Path initialTree) {
		return create(id, millicpu, memoryBytes, diskBytes, ephemeral, snapshotId, initialTree, null, null);
	}

	/**
	 * Creates a sandbox of the current generation, already starting: it is saved as
	 * {@code starting}, in one change, and runs once the transition delay has passed.
	 * @param id the sandbox id
	 * @param millicpu the CPU
	 * @param memoryBytes the memory
	 * @param diskBytes the disk
	 * @param ephemeral whether it is ephemeral
	 * @param snapshotId the snapshot it is created from
	 * @param initialTree the directory copied as its file tree, if any
	 * @param current the fields of the current generation
	 * @return the sandbox
	 * @throws ApiException 400 if the id is taken, 500 if it cannot be saved (then it does not
	 * exist)
	 */
	public SandboxInstance createStarted(String id, long millicpu, long memoryBytes, long diskBytes,
			boolean ephemeral, String snapshotId, @Nullable Path initialTree, CurrentFields current) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		SandboxInstance sandbox = create(id, millicpu, memoryBytes, diskBytes, ephemeral, snapshotId, initialTree,
				current, settled);
		finishStartLater(sandbox, settled);
		return sandbox;
	}

	/**
	 * Creates a sandbox: in status {@code created}, or, given the transition a start settles, in
	 * status {@code starting}. Either way one row is inserted before the sandbox is visible.
	 */
	private SandboxInstance create(String id, long millicpu, long memoryBytes, long diskBytes, boolean ephemeral,
			String snapshotId, @Nullable Path initialTree, @Nullable CurrentFields current,
			@Nullable CompletableFuture<Void> started) {
		// Reserved before the look-up, released after the put: of two creations of one id, the
		// second either finds the reservation or the sandbox.
		if (!this.reserved.add(id)) {
			throw taken(id);
		}
		try {
			if (this.sandboxes.containsKey(id)) {
				throw taken(id);
			}
			SandboxInstance sandbox = new SandboxInstance(id, this.directory.resolve(id), Instant.now(), millicpu,
					memoryBytes, diskBytes, ephemeral, snapshotId, UUID.randomUUID().toString(), current);
			// A directory left by someone else is never removed here.
			boolean existed = Files.exists(sandbox.directory());
			try {
				Files.createDirectories(sandbox.files().root());
				if (initialTree != null && Files.isDirectory(initialTree)) {
					FileTrees.copyTree(initialTree, sandbox.files().root());
				}
				if (started != null) {
					// Nobody sees it yet: the start is saved by the insert below.
					sandbox.beginStart(started, record -> {
					});
				}
				// Saved before it is visible: a sandbox that cannot be saved never existed.
				this.store.insertSandbox(sandbox.record());
			}
			catch (IOException ex) {
				discard(sandbox, existed);
				throw new ApiException(500, "cannot create the sandbox directory: " + SandboxFiles.reason(ex));
			}
			catch (RuntimeException ex) {
				discard(sandbox, existed);
				throw ex;
			}
			this.sandboxes.put(id, sandbox);
			return sandbox;
		}
		finally {
			this.reserved.remove(id);
		}
	}

	private static void discard(SandboxInstance sandbox, boolean keepDirectory) {
		sandbox.blocking().dispose();
		if (!keepDirectory) {
			deleteDirectory(sandbox);
		}
	}

	private static ApiException taken(String id) {
		return ApiException.badRequest("a sandbox with id " + id + " already exists");
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
	 * Starts a created or stopped sandbox; anything else is left as it is. The start is saved
	 * before it is made; a 500 {@link ApiException} if it cannot be.
	 * @param sandbox the sandbox
	 */
	public void start(SandboxInstance sandbox) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (sandbox.beginStart(settled, this::save)) {
			// A stop refused new execs from its kill on: the sandbox runs again.
			sandbox.execs().open();
			finishStartLater(sandbox, settled);
		}
	}

	private void finishStartLater(SandboxInstance sandbox, CompletableFuture<Void> settled) {
		this.scheduler.schedule(() -> {
			try {
				sandbox.finishStart(this::save);
			}
			catch (RuntimeException ex) {
				logger.error("Sandbox " + sandbox.id() + " stays starting: " + ex.getMessage());
			}
			finally {
				settled.complete(null);
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void save(SandboxRecord record) {
		this.store.updateSandboxes(List.of(record));
	}

	/**
	 * Stops a running sandbox, killing its execs; anything else is left as it is. The stop is saved
	 * before it is made; a 500 {@link ApiException} if it cannot be.
	 * @param sandbox the sandbox
	 * @param stopType {@code shutdown} or {@code hibernate}
	 */
	public void stop(SandboxInstance sandbox, String stopType) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (!sandbox.beginStop(stopType, settled, this::save)) {
			return;
		}
		this.scheduler.schedule(() -> {
			try {
				sandbox.execs().killAll();
			}
			finally {
				try {
					sandbox.finishStop(stopType, this::save);
				}
				catch (RuntimeException ex) {
					logger.error("Sandbox " + sandbox.id() + " stays stopping: " + ex.getMessage());
				}
				finally {
					settled.complete(null);
				}
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Terminates a running sandbox of the current generation: like a stop, and before it settles
	 * as stopped (terminated) its execs are killed and then {@code beforeTerminated} runs (it takes
	 * the termination snapshot). Anything but a running sandbox is left as it is. The termination
	 * is saved before it begins; a 500 {@link ApiException} (and no termination) if it cannot be.
	 * @param sandbox the sandbox
	 * @param reason the status reason of the termination
	 * @param beforeTerminated runs once the execs are dead, before the status is terminated
	 * @return whether a termination began
	 */
	public boolean terminate(SandboxInstance sandbox, String reason, Runnable beforeTerminated) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		if (!sandbox.beginTermination(reason, settled, this::save)) {
			return false;
		}
		this.scheduler.schedule(() -> {
			try {
				sandbox.execs().killAll();
				beforeTerminated.run();
			}
			catch (RuntimeException ex) {
				logger.error("The termination of sandbox " + sandbox.id() + " did not complete: " + ex.getMessage());
			}
			finally {
				try {
					sandbox.finishStop("shutdown", this::save);
				}
				catch (RuntimeException ex) {
					logger.error("Sandbox " + sandbox.id() + " stays terminating: " + ex.getMessage());
				}
				finally {
					settled.complete(null);
				}
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
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
		catch (RejectedExecutionException ex) {
			// The emulator is closing: nothing is terminated any more.
			logger.debug("Not scheduled: the emulator is closing");
		}
	}

	/**
	 * Deletes a sandbox: its record, then its execs and its directory; a 500
	 * {@link ApiException} (and nothing deleted) if the record cannot be.
	 * @param sandbox the sandbox
	 */
	public void delete(SandboxInstance sandbox) {
		// The record goes first: if it cannot be deleted, the sandbox stays as it is.
		if (sandbox.markDeleted(() -> this.store.deleteSandbox(sandbox.id()))) {
			this.sandboxes.remove(sandbox.id(), sandbox);
			sandbox.execs().killAll();
			sandbox.blocking().dispose();
			deleteDirectory(sandbox);
		}
	}

	private static void deleteDirectory(SandboxInstance sandbox) {
		try {
			FileTrees.deleteRecursively(sandbox.directory());
		}
		catch (IOException ex) {
			logger.warn("Could not delete the directory of sandbox " + sandbox.id() + ": " + ex.getMessage());
		}
	}

	/**
	 * Restores saved sandboxes.
	 * @param records the saved records
	 * @return the records of those that came back other than saved (stopped, having been running)
	 */
	List<SandboxRecord> restore(List<SandboxRecord> records) {
		List<SandboxRecord> changed = new ArrayList<>();
		for (SandboxRecord record : records) {
			try {
				SandboxInstance sandbox = SandboxInstance.restore(record, this.directory.resolve(record.id()));
				Files.createDirectories(sandbox.files().root());
				this.sandboxes.put(record.id(), sandbox);
				SandboxRecord restored = sandbox.record();
				if (!restored.equals(record)) {
					changed.add(restored);
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Ignoring sandbox " + record.id() + " of the saved state: " + ex.getMessage());
			}
		}
		return changed;
	}

	/** Kills the execs of every sandbox, all at once, and stops the lifecycle timers. */
	void close() {
		SandboxExecs.killAll(this.sandboxes.values().stream().map(SandboxInstance::execs).toList());
		this.sandboxes.values().forEach(sandbox -> sandbox.blocking().dispose());
		this.scheduler.shutdownNow();
	}

}
