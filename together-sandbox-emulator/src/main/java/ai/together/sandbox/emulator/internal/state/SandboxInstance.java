package ai.together.sandbox.emulator.internal.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import ai.together.sandbox.emulator.internal.exec.SandboxExecs;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import org.jspecify.annotations.Nullable;

/**
 * One sandbox: its lifecycle fields, its directory and, while it runs, its execs. The lifecycle
 * changes only through {@link SandboxRegistry}.
 */
public final class SandboxInstance {

	/**
	 * A consistent copy of a sandbox's record and its current agent token (which is never saved).
	 *
	 * @param record the record
	 * @param agentToken the agent token, empty when it never ran in this emulator
	 */
	public record View(SandboxRecord record, String agentToken) {
	}

	private final String id;

	private final Path directory;

	private final SandboxFiles files;

	private final SandboxExecs execs = new SandboxExecs();

	private final BlockingLane blocking;

	private final Instant createdAt;

	private final long millicpu;

	private final long memoryBytes;

	private final long diskBytes;

	private final boolean ephemeral;

	private final String snapshotId;

	private final String versionId;

	/** The lifecycle fields, replaced as a whole once the change is saved. */
	private Lifecycle lifecycle;

	private String agentToken = "";

	private boolean deleted;

	/** What a sandbox of the current generation has beyond the seed fields; {@code null} for a seed one. */
	private @Nullable CurrentFields current;

	/** Completed when the current transition (starting or stopping) settles. */
	private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

	/** Saves the record a change leads to; throws (and nothing changes) if it cannot. */
	@FunctionalInterface
	interface Save {

		void save(SandboxRecord record);

	}

	private record Lifecycle(String status, Instant updatedAt, @Nullable Instant startRequestedAt,
			@Nullable Instant startedAt, @Nullable Instant stopRequestedAt, @Nullable Instant stoppedAt,
			@Nullable String startType, @Nullable String requestedStopType, @Nullable String stopReason) {

		Lifecycle status(String status, Instant now) {
			return new Lifecycle(status, now, this.startRequestedAt, this.startedAt, this.stopRequestedAt,
					this.stoppedAt, this.startType, this.requestedStopType, this.stopReason);
		}

	}

	SandboxInstance(String id, Path directory, Instant createdAt, long millicpu, long memoryBytes, long diskBytes,
			boolean ephemeral, String snapshotId, String versionId, @Nullable CurrentFields current) {
		this.id = id;
		this.directory = directory;
		this.files = new SandboxFiles(directory.resolve("fs"));
		this.blocking = new BlockingLane("sandbox-" + id, BlockingLane.DEFAULT_TIMEOUT);
		this.createdAt = createdAt;
		this.lifecycle = new Lifecycle("created", createdAt, null, null, null, null, null, null, null);
		this.millicpu = millicpu;
		this.memoryBytes = memoryBytes;
		this.diskBytes = diskBytes;
		this.ephemeral = ephemeral;
		this.snapshotId = snapshotId;
		this.versionId = versionId;
		this.current = current;
	}

	/**
	 * Recreates a saved sandbox. One that was not created or stopped had its processes die with
	 * the previous emulator: it comes back stopped.
	 */
	static SandboxInstance restore(SandboxRecord record, Path directory) {
		SandboxInstance sandbox = new SandboxInstance(record.id(), directory, Instant.parse(record.createdAt()),
				record.millicpu(), record.memoryBytes(), record.diskBytes(), record.ephemeral(), record.snapshotId(),
				record.versionId(), record.current());
		Instant updatedAt = instant(record.updatedAt());
		Lifecycle saved = new Lifecycle(record.status(), updatedAt != null ? updatedAt : sandbox.createdAt,
				instant(record.startRequestedAt()), instant(record.startedAt()), instant(record.stopRequestedAt()),
				instant(record.stoppedAt()), record.startType(), record.requestedStopType(), record.stopReason());
		if ("created".equals(record.status()) || "stopped".equals(record.status())) {
			sandbox.lifecycle = saved;
		}
		else {
			Instant now = Instant.now();
			sandbox.lifecycle = new Lifecycle("stopped", now, saved.startRequestedAt(), saved.startedAt(),
					saved.stopRequestedAt(), now, saved.startType(), saved.requestedStopType(), "shutdown");
		}
		return sandbox;
	}

	/**
	 * Returns the sandbox id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns the id of the sandbox's only version.
	 * @return the version id
	 */
	public String versionId() {
		return this.versionId;
	}

	/**
	 * Returns the file tree of the sandbox.
	 * @return the files
	 */
	public SandboxFiles files() {
		return this.files;
	}

	/**
	 * Returns the execs of the sandbox.
	 * @return the execs
	 */
	public SandboxExecs execs() {
		return this.execs;
	}

	/**
	 * Returns where the blocking work of the sandbox's agent runs.
	 * @return the lane
	 */
	public BlockingLane blocking() {
		return this.blocking;
	}

	Path directory() {
		return this.directory;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	/**
	 * Returns the record and the agent token, read together.
	 * @return the view
	 */
	public synchronized View view() {
		return new View(record(), this.agentToken);
	}

	/**
	 * Returns the record.
	 * @return the record
	 */
	public synchronized SandboxRecord record() {
		return record(this.lifecycle, this.current);
	}

	private SandboxRecord record(Lifecycle l, @Nullable CurrentFields fields) {
		return new SandboxRecord(this.id, l.status(), this.ephemeral, this.millicpu, this.memoryBytes,
				this.diskBytes, this.createdAt.toString(), str(l.updatedAt()), str(l.startRequestedAt()),
				l.startType(), str(l.startedAt()), str(l.stopRequestedAt()), l.requestedStopType(),
				str(l.stoppedAt()), l.stopReason(), this.snapshotId, this.versionId, fields);
	}

	private SandboxRecord record(Lifecycle l) {
		return record(l, this.current);
	}

	/**
	 * Whether the sandbox was created through the current API generation ({@code /v1}): its agent
	 * then speaks the current exec dialect.
	 * @return whether it belongs to the current generation
	 */
	public synchronized boolean isCurrentGeneration() {
		return this.current != null;
	}

	/**
	 * Begins the termination of a running sandbox of the current generation: a stop that records
	 * its reason. {@code false} (and nothing changes) unless it is running. The change is saved
	 * first: if that fails, it throws and nothing changes.
	 */
	synchronized boolean beginTermination(String reason, CompletableFuture<Void> transition, Save save) {
		CurrentFields fields = this.current;
		Lifecycle next = fields != null ? stopping("shutdown") : null;
		if (next == null) {
			return false;
		}
		CurrentFields terminating = fields.terminating(reason);
		save.save(record(next, terminating));
		this.lifecycle = next;
		this.current = terminating;
		this.settled = transition;
		return true;
	}

	synchronized CompletableFuture<Void> settled() {
		return this.settled;
	}

	/**
	 * Begins a start; {@code false} (and nothing changes) unless the sandbox is created or stopped.
	 * The change is saved first: if that fails, it throws and nothing changes.
	 */
	synchronized boolean beginStart(CompletableFuture<Void> transition, Save save) {
		Lifecycle l = this.lifecycle;
		if (this.deleted || (!"created".equals(l.status()) && !"stopped".equals(l.status()))) {
			return false;
		}
		Instant now = Instant.now();
		Lifecycle next = new Lifecycle("starting", now, now, l.startedAt(), null, null,
				"hibernated".equals(l.stopReason()) ? "resume" : "cold_start", null, null);
		save.save(record(next));
		this.lifecycle = next;
		this.agentToken = Ids.secret();
		this.settled = transition;
		return true;
	}

	/** Ends a start, once saved; a deleted sandbox or one no longer starting is left alone. */
	synchronized void finishStart(Save save) {
		Lifecycle l = this.lifecycle;
		if (!this.deleted && "starting".equals(l.status())) {
			Instant now = Instant.now();
			Lifecycle next = new Lifecycle("running", now, l.startRequestedAt(), now, l.stopRequestedAt(),
					l.stoppedAt(), l.startType(), l.requestedStopType(), l.stopReason());
			save.save(record(next));
			this.lifecycle = next;
		}
	}

	/**
	 * Begins a stop; {@code false} (and nothing changes) unless the sandbox is running. The change
	 * is saved first: if that fails, it throws and nothing changes.
	 */
	synchronized boolean beginStop(String stopType, CompletableFuture<Void> transition, Save save) {
		Lifecycle next = stopping(stopType);
		if (next == null) {
			return false;
		}
		save.save(record(next));
		this.lifecycle = next;
		this.settled = transition;
		return true;
	}

	/** The lifecycle a stop leads to, {@code null} unless the sandbox is running. */
	private @Nullable Lifecycle stopping(String stopType) {
		Lifecycle l = this.lifecycle;
		if (this.deleted || !"running".equals(l.status())) {
			return null;
		}
		Instant now = Instant.now();
		return new Lifecycle("stopping", now, l.startRequestedAt(), l.startedAt(), now, l.stoppedAt(), l.startType(),
				stopType, l.stopReason());
	}

	/** Ends a stop, once saved; a deleted sandbox or one no longer stopping is left alone. */
	synchronized void finishStop(String stopType, Save save) {
		Lifecycle l = this.lifecycle;
		if (!this.deleted && "stopping".equals(l.status())) {
			Instant now = Instant.now();
			Lifecycle next = new Lifecycle("stopped", now, l.startRequestedAt(), l.startedAt(), l.stopRequestedAt(),
					now, l.startType(), l.requestedStopType(), "hibernate".equals(stopType) ? "hibernated" : "shutdown");
			save.save(record(next));
			this.lifecycle = next;
		}
	}

	/**
	 * Marks the sandbox deleted once {@code delete} has deleted its record; if that throws, nothing
	 * changes.
	 * @return {@code false} if it was deleted already
	 */
	synchronized boolean markDeleted(Runnable delete) {
		if (this.deleted) {
			return false;
		}
		delete.run();
		this.deleted = true;
		this.lifecycle = this.lifecycle.status("stopped", this.lifecycle.updatedAt());
		this.settled.complete(null);
		return true;
	}

	private static @Nullable String str(@Nullable Instant instant) {
		return instant == null ? null : instant.toString();
	}

	private static @Nullable Instant instant(@Nullable String value) {
		return value == null ? null : Instant.parse(value);
	}

}
