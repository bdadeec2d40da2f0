package ai.together.sandbox.emulator.internal.management;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.emulator.internal.agent.AgentApi;
import ai.together.sandbox.emulator.internal.state.AliasRecord;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRegistry;

/**
 * The JSON models of the management API, built from the state records.
 */
final class ManagementJson {

	private ManagementJson() {
	}

	/** The Sandbox model with all 29 keys. */
	static Map<String, Object> sandbox(SandboxInstance.View view, String origin) {
		SandboxRecord sandbox = view.record();
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", sandbox.id());
		json.put("project_id", SnapshotRegistry.PROJECT_ID);
		json.put("status", sandbox.status());
		json.put("ephemeral", sandbox.ephemeral());
		json.put("cluster_name", "local-emulator");
		json.put("current_version_number", 1);
		json.put("next_version_number", 2);
		json.put("millicpu", sandbox.millicpu());
		json.put("gpu", 0);
		json.put("memory_bytes", sandbox.memoryBytes());
		json.put("disk_bytes", sandbox.diskBytes());
		json.put("version_count", 1);
		json.put("agent_version", "emulator");
		json.put("agent_type", "emulator");
		json.put("agent_token", view.agentToken());
		json.put("agent_url", AgentApi.agentUrl(origin, sandbox.id()));
		json.put("created_at", sandbox.createdAt());
		json.put("start_requested_at", sandbox.startRequestedAt());
		json.put("start_type", sandbox.startType());
		json.put("started_at", sandbox.startedAt());
		json.put("stop_requested_at", sandbox.stopRequestedAt());
		json.put("requested_stop_type", sandbox.requestedStopType());
		json.put("stopped_at", sandbox.stoppedAt());
		json.put("stop_reason", sandbox.stopReason());
		json.put("specs_updated_at", null);
		json.put("recovery_status", null);
		json.put("recovery_started_at", null);
		json.put("recovery_finished_at", null);
		json.put("updated_at", sandbox.updatedAt());
		return json;
	}

	/** The SandboxVersion model of a sandbox's only version. */
	static Map<String, Object> version(SandboxRecord sandbox) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", sandbox.versionId());
		json.put("sandbox_id", sandbox.id());
		json.put("number", 1);
		json.put("snapshot_id", sandbox.snapshotId());
		json.put("created_at", sandbox.createdAt());
		return json;
	}

	/** The Snapshot model: the record without what only the emulator keeps. */
	static Map<String, Object> snapshot(SnapshotRecord snapshot) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", snapshot.id());
		json.put("project_id", snapshot.projectId());
		json.put("byte_size", snapshot.byteSize());
		json.put("protected", snapshot.isProtected());
		json.put("optimized", snapshot.optimized());
		json.put("includes_memory_snapshot", snapshot.includesMemorySnapshot());
		json.put("created_at", snapshot.createdAt());
		json.put("optimized_at", snapshot.optimizedAt());
		json.put("updated_at", snapshot.updatedAt());
		return json;
	}

	/** The SnapshotAlias model. */
	static Map<String, Object> alias(AliasRecord alias) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", alias.id());
		json.put("snapshot_id", alias.snapshotId());
		json.put("alias", alias.alias());
		json.put("created_at", alias.createdAt());
		json.put("updated_at", alias.updatedAt());
		return json;
	}

}
