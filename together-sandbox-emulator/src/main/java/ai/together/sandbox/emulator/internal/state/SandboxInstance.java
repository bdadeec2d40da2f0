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

	private String status = "created";

	private String agentToken = "";

	private @Nullable Instant updatedAt;

	private @Nullable Instant startRequestedAt;

	private @Nullable Instant startedAt;

	private @Nullable Instant stopRequestedAt;

	private @Nullable Instant stoppedAt;

	private @Nullable String startType;

	private @Nullable String requestedStopType;

	private @Nullable String stopReason;

	/** What a sandbox of the current generation has beyond the seed fields; {@code null} for a seed one. */
	private @Nullable CurrentFields current;

	/** Completed when the current transition (starting or stopping) settles. */
	private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

	SandboxInstance(String id, Path directory, Instant createdAt, long millicpu, long memoryBytes, long diskBytes,
			boolean ephemeral, String snapshotId, String versionId) {
		this.id = id;
		this.directory = directory;
		this.files = new SandboxFiles(directory.resolve("fs"));
		this.blocking = new BlockingLane("sandbox-" + id, BlockingLane.DEFAULT_TIMEOUT);
		this.createdAt = createdAt;
		this.updatedAt = createdAt;
		this.millicpu = millicpu;
		this.memoryBytes = memoryBytes;
		this.diskBytes = diskBytes;
		this.ephemeral = ephemeral;
		this.snapshotId = snapshotId;
		this.versionId = versionId;
	}

	/**
	 * Recreates a saved sandbox. One that was not created or stopped had its processes die with
	 * the previous emulator: it comes back stopped.
	 */
	static SandboxInstance restore(SandboxRecord record, Path directory) {
		SandboxInstance sandbox = new SandboxInstance(record.id(), directory, Instant.parse(record.createdAt()),
				record.millicpu(), record.memoryBytes(), record.diskBytes(), record.ephemeral(), record.snapshotId(),
				record.versionId());
		sandbox.updatedAt = instant(record.updatedAt());
		sandbox.startRequestedAt = instant(record.startRequestedAt());
		sandbox.startedAt = instant(record.startedAt());
		sandbox.stopRequestedAt = instant(record.stopRequestedAt());
		sandbox.stoppedAt = instant(record.stoppedAt());
		sandbox.startType = record.startType();
		sandbox.requestedStopType = record.requestedStopType();
		sandbox.stopReason = record.stopReason();
		sandbox.current = record.current();
		if ("created".equals(record.status()) || "stopped".equals(record.status())) {
			sandbox.status = record.status();
		}
		else {
			Instant now = Instant.now();
			sandbox.status = "stopped";
			sandbox.stoppedAt = now;
			sandbox.updatedAt = now;
			sandbox.stopReason = "shutdown";
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
		return new SandboxRecord(this.id, this.status, this.ephemeral, this.millicpu, this.memoryBytes,
				this.diskBytes, this.createdAt.toString(), str(this.updatedAt != null ? this.updatedAt : this.createdAt),
				str(this.startRequestedAt), this.startType, str(this.startedAt), str(this.stopRequestedAt),
				this.requestedStopType, str(this.stoppedAt), this.stopReason, this.snapshotId, this.versionId,
				this.current);
	}

	/**
	 * Whether the sandbox was created through the current API generation ({@code /v1}): its agent
	 * then speaks the current exec dialect.
	 * @return whether it belongs to the current generation
	 */
	public synchronized boolean isCurrentGeneration() {
		return this.current != null;
	}

	synchronized void current(@Nullable CurrentFields fields) {
		this.current = fields;
	}

	/**
	 * Begins the termination of a running sandbox of the current generation: a stop that records
	 * its reason. {@code false} (and nothing changes) unless it is running.
	 */
	synchronized boolean beginTermination(String reason, CompletableFuture<Void> transition) {
		if (this.current == null || !beginStop("shutdown", transition)) {
			return false;
		}
		this.current = this.current.terminating(reason);
		return true;
	}

	synchronized CompletableFuture<Void> settled() {
		return this.settled;
	}

	/** Begins a start; {@code false} (and nothing changes) unless the sandbox is created or stopped. */
	synchronized boolean beginStart(CompletableFuture<Void> transition) {
		if (!"created".equals(this.status) && !"stopped".equals(this.status)) {
			return false;
		}
		Instant now = Instant.now();
		this.status = "starting";
		this.startType = "hibernated".equals(this.stopReason) ? "resume" : "cold_start";
		this.startRequestedAt = now;
		this.updatedAt = now;
		this.requestedStopType = null;
		this.stopReason = null;
		this.stopRequestedAt = null;
		this.stoppedAt = null;
		this.agentToken = Ids.secret();
		this.settled = transition;
		return true;
	}

	synchronized void finishStart() {
		if ("starting".equals(this.status)) {
			Instant now = Instant.now();
			this.status = "running";
			this.startedAt = now;
			this.updatedAt = now;
		}
	}

	/** Begins a stop; {@code false} (and nothing changes) unless the sandbox is running. */
	synchronized boolean beginStop(String stopType, CompletableFuture<Void> transition) {
		if (!"running".equals(this.status)) {
			return false;
		}
		Instant now = Instant.now();
		this.status = "stopping";
		this.stopRequestedAt = now;
		this.updatedAt = now;
		this.requestedStopType = stopType;
		this.settled = transition;
		return true;
	}

	synchronized void finishStop(String stopType) {
		if ("stopping".equals(this.status)) {
			Instant now = Instant.now();
			this.status = "stopped";
			this.stoppedAt = now;
			this.updatedAt = now;
			this.stopReason = "hibernate".equals(stopType) ? "hibernated" : "shutdown";
		}
	}

	synchronized void markDeleted() {
		this.blocking.dispose();
		this.status = "stopped";
		this.settled.complete(null);
	}

	private static @Nullable String str(@Nullable Instant instant) {
		return instant == null ? null : instant.toString();
	}

	private static @Nullable Instant instant(@Nullable String value) {
		return value == null ? null : Instant.parse(value);
	}

}
