package ai.together.sandbox.emulator.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One sandbox: its management record, its directory and, while it runs, its execs.
 */
final class SandboxInstance {

	final String id;

	final Path directory;

	final SandboxFiles files;

	final Instant createdAt;

	final long millicpu;

	final long memoryBytes;

	final long diskBytes;

	final boolean ephemeral;

	final String snapshotId;

	final String versionId;

	String status = "created";

	String agentToken = "";

	@Nullable Instant updatedAt;

	@Nullable Instant startRequestedAt;

	@Nullable Instant startedAt;

	@Nullable Instant stopRequestedAt;

	@Nullable Instant stoppedAt;

	@Nullable String startType;

	@Nullable String requestedStopType;

	@Nullable String stopReason;

	/** Completed when the current transition (starting or stopping) settles. */
	CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

	/** Execs in creation order; only populated while running. */
	final Map<String, ExecProcess> execs = new LinkedHashMap<>();

	final List<Consumer<List<Map<String, Object>>>> execListeners = new CopyOnWriteArrayList<>();

	SandboxInstance(String id, Path directory, Instant createdAt, long millicpu, long memoryBytes, long diskBytes,
			boolean ephemeral, String snapshotId, String versionId) {
		this.id = id;
		this.directory = directory;
		this.files = new SandboxFiles(directory.resolve("fs"));
		this.createdAt = createdAt;
		this.updatedAt = createdAt;
		this.millicpu = millicpu;
		this.memoryBytes = memoryBytes;
		this.diskBytes = diskBytes;
		this.ephemeral = ephemeral;
		this.snapshotId = snapshotId;
		this.versionId = versionId;
	}

	boolean transitional() {
		return "starting".equals(this.status) || "stopping".equals(this.status);
	}

	synchronized List<Map<String, Object>> execList() {
		List<Map<String, Object>> list = new ArrayList<>();
		for (ExecProcess exec : this.execs.values()) {
			list.add(exec.toJson());
		}
		return list;
	}

	void execsChanged() {
		List<Map<String, Object>> list = execList();
		for (Consumer<List<Map<String, Object>>> listener : this.execListeners) {
			listener.accept(list);
		}
	}

	synchronized Set<Long> pids() {
		Set<Long> pids = new java.util.HashSet<>();
		for (ExecProcess exec : this.execs.values()) {
			pids.addAll(exec.pids());
		}
		return pids;
	}

	/** Kills every exec and forgets them: an agent that stops loses its execs. */
	void killExecs() {
		List<ExecProcess> all;
		synchronized (this) {
			all = new ArrayList<>(this.execs.values());
			this.execs.clear();
		}
		all.forEach(ExecProcess::kill);
		execsChanged();
	}

	/**
	 * Returns the Sandbox model with all 29 keys.
	 */
	synchronized Map<String, Object> toJson(String origin) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", this.id);
		json.put("project_id", EmulatorState.PROJECT_ID);
		json.put("status", this.status);
		json.put("ephemeral", this.ephemeral);
		json.put("cluster_name", "local-emulator");
		json.put("current_version_number", 1);
		json.put("next_version_number", 2);
		json.put("millicpu", this.millicpu);
		json.put("gpu", 0);
		json.put("memory_bytes", this.memoryBytes);
		json.put("disk_bytes", this.diskBytes);
		json.put("version_count", 1);
		json.put("agent_version", "emulator");
		json.put("agent_type", "emulator");
		json.put("agent_token", this.agentToken);
		json.put("agent_url", origin + "/sandboxes/" + this.id + "/agent");
		json.put("created_at", this.createdAt.toString());
		json.put("start_requested_at", str(this.startRequestedAt));
		json.put("start_type", this.startType);
		json.put("started_at", str(this.startedAt));
		json.put("stop_requested_at", str(this.stopRequestedAt));
		json.put("requested_stop_type", this.requestedStopType);
		json.put("stopped_at", str(this.stoppedAt));
		json.put("stop_reason", this.stopReason);
		json.put("specs_updated_at", null);
		json.put("recovery_status", null);
		json.put("recovery_started_at", null);
		json.put("recovery_finished_at", null);
		json.put("updated_at", (this.updatedAt != null ? this.updatedAt : this.createdAt).toString());
		return json;
	}

	/** The persisted form: the model without the agent token, plus what recreating it needs. */
	synchronized Map<String, Object> toState() {
		Map<String, Object> state = toJson("");
		state.remove("agent_token");
		state.remove("agent_url");
		state.put("snapshot_id", this.snapshotId);
		state.put("version_id", this.versionId);
		return state;
	}

	static SandboxInstance fromState(Map<String, Object> state, Path directory) {
		SandboxInstance sandbox = new SandboxInstance((String) state.get("id"), directory,
				Instant.parse((String) state.get("created_at")), ((Number) state.get("millicpu")).longValue(),
				((Number) state.get("memory_bytes")).longValue(), ((Number) state.get("disk_bytes")).longValue(),
				Boolean.TRUE.equals(state.get("ephemeral")), (String) state.get("snapshot_id"),
				(String) state.get("version_id"));
		String status = (String) state.get("status");
		sandbox.updatedAt = instant(state.get("updated_at"));
		sandbox.startRequestedAt = instant(state.get("start_requested_at"));
		sandbox.startedAt = instant(state.get("started_at"));
		sandbox.stopRequestedAt = instant(state.get("stop_requested_at"));
		sandbox.stoppedAt = instant(state.get("stopped_at"));
		sandbox.startType = (String) state.get("start_type");
		sandbox.requestedStopType = (String) state.get("requested_stop_type");
		sandbox.stopReason = (String) state.get("stop_reason");
		if ("created".equals(status) || "stopped".equals(status)) {
			sandbox.status = status;
		}
		else {
			// Its processes died with the previous emulator: it comes back stopped.
			Instant now = Instant.now();
			sandbox.status = "stopped";
			sandbox.stoppedAt = now;
			sandbox.updatedAt = now;
			sandbox.stopReason = "shutdown";
		}
		return sandbox;
	}

	private static @Nullable String str(@Nullable Instant instant) {
		return instant == null ? null : instant.toString();
	}

	private static @Nullable Instant instant(@Nullable Object value) {
		return value == null ? null : Instant.parse((String) value);
	}

}
