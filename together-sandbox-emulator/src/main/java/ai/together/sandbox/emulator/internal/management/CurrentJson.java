package ai.together.sandbox.emulator.internal.management;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.internal.agent.AgentApi;
import ai.together.sandbox.emulator.internal.state.AliasRecord;
import ai.together.sandbox.emulator.internal.state.CurrentFields;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRegistry;
import ai.together.sandbox.emulator.internal.state.TerminationSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * The JSON models of the current management API ({@code /v1}), built from the state records:
 * every key of a model present, unset ones as {@code null}; timestamps with a {@code +00:00}
 * offset (which every Python version's {@code fromisoformat} reads).
 */
final class CurrentJson {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
		.withZone(ZoneOffset.UTC);

	private CurrentJson() {
	}

	/**
	 * The status and status reason of a sandbox of the current generation, from its lifecycle
	 * status. A stopped sandbox without a termination reason is one that was running when a
	 * previous emulator on the same data directory stopped: its node was lost.
	 */
	record Status(String status, String reason) {

		static Status of(SandboxRecord record) {
			CurrentFields current = record.current();
			String terminationReason = current != null ? current.terminationReason() : null;
			return switch (record.status()) {
				case "created", "starting" -> new Status("starting", "cold_start_requested");
				case "running" -> new Status("running", "cold_started");
				case "stopping" -> new Status("terminating",
						terminationReason != null ? terminationReason : "termination_requested");
				default -> new Status("terminated", terminationReason != null ? terminationReason : "node_lost");
			};
		}

	}

	/** The Sandbox model with its 18 keys. */
	static Map<String, Object> sandbox(SandboxInstance.View view, String origin) {
		SandboxRecord sandbox = view.record();
		CurrentFields current = sandbox.current();
		if (current == null) {
			throw new IllegalStateException("not a sandbox of the current generation: " + sandbox.id());
		}
		Status status = Status.of(sandbox);
		boolean running = status.status().equals("running");
		Map<String, Object> agent = new LinkedHashMap<>();
		agent.put("version", "emulator");
		agent.put("token", running ? view.agentToken() : null);
		agent.put("url", running ? AgentApi.agentUrl(origin, sandbox.id()) : null);
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", sandbox.id());
		json.put("organization_id", null);
		json.put("project_id", SnapshotRegistry.PROJECT_ID);
		json.put("snapshot_id", sandbox.snapshotId());
		json.put("cpu", current.cpu());
		json.put("memory_bytes", sandbox.memoryBytes());
		json.put("agent", agent);
		json.put("ttl", current.ttl());
		json.put("tags", current.tags());
		json.put("termination_policy",
				current.terminationPolicy() != null ? Map.of("snapshot", terminationSnapshot(current.terminationPolicy()))
						: null);
		json.put("status", status.status());
		json.put("status_reason", status.reason());
		json.put("created_at", timestamp(sandbox.createdAt()));
		json.put("started_at", timestamp(sandbox.startedAt()));
		json.put("resized_at", null);
		json.put("recovery_at", null);
		json.put("terminated_at", status.status().equals("terminated") ? timestamp(sandbox.stoppedAt()) : null);
		json.put("updated_at", timestamp(sandbox.updatedAt() != null ? sandbox.updatedAt() : sandbox.createdAt()));
		return json;
	}

	/** A TerminationSnapshot: only the parts that were given. */
	static Map<String, Object> terminationSnapshot(TerminationSnapshot snapshot) {
		Map<String, Object> json = new LinkedHashMap<>();
		if (snapshot.aliases() != null) {
			json.put("aliases", snapshot.aliases());
		}
		if (snapshot.ttl() != null) {
			json.put("ttl", snapshot.ttl());
		}
		if (snapshot.tags() != null) {
			json.put("tags", snapshot.tags());
		}
		return json;
	}

	/** The Snapshot model with its 10 keys; a snapshot whose ttl ran out reads as retired. */
	static Map<String, Object> snapshot(SnapshotRecord snapshot) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", snapshot.id());
		json.put("organization_id", null);
		json.put("project_id", snapshot.projectId());
		json.put("byte_size", snapshot.byteSize());
		json.put("tags", snapshot.tags() != null ? snapshot.tags() : Map.of());
		json.put("ttl", snapshot.ttl());
		json.put("memory", false);
		json.put("created_at", timestamp(snapshot.createdAt()));
		json.put("retired_at", timestamp(snapshot.retiredAt(Instant.now())));
		json.put("updated_at", timestamp(snapshot.updatedAt()));
		return json;
	}

	/** The SnapshotAlias model of the current generation. */
	static Map<String, Object> alias(AliasRecord alias) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("snapshot_id", alias.snapshotId());
		json.put("alias", alias.alias());
		json.put("created_at", timestamp(alias.createdAt()));
		return json;
	}

	/** A page: {@code next_cursor} always present, {@code null} on the last page. */
	static Map<String, Object> page(List<Map<String, Object>> data, @Nullable String nextCursor) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("data", data);
		json.put("next_cursor", nextCursor);
		return json;
	}

	private static @Nullable String timestamp(@Nullable String instant) {
		return instant == null ? null : TIMESTAMP.format(Instant.parse(instant));
	}

}
