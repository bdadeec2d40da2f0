package ai.together.sandbox.emulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The management API: exact status codes, validation errors, the lifecycle, snapshots and aliases.
 */
class ManagementApiTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private EmulatorClient client;

	private String snapshotId;

	@BeforeEach
	void setUp() {
		this.client = new EmulatorClient(emulator.emulator());
		this.snapshotId = this.client.createSnapshot();
	}

	private Map<String, Object> createBody(Map<String, Object> overrides) {
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("millicpu", 1000, "memory_bytes", 1024,
				"disk_bytes", 1024, "snapshot_id", this.snapshotId));
		body.putAll(overrides);
		body.values().removeIf(v -> v == null || "".equals(v));
		return body;
	}

	@Test
	void sandboxHasAllRequiredKeysAndNullsForUnsetOnes() {
		JsonNode created = this.client.createSandbox(this.snapshotId);
		assertThat(created.propertyNames()).hasSize(29);
		assertThat(created.get("started_at").isNull()).isTrue();
		assertThat(created.get("agent_url").asString()).isEqualTo(
				emulator.baseUrl() + "/sandboxes/" + created.get("id").asString() + "/agent");
	}

	@Test
	void invalidCreateBodiesAre400() {
		for (Map<String, Object> overrides : List.<Map<String, Object>>of(Map.of("millicpu", 100),
				Map.of("millicpu", 300), Map.of("memory_bytes", 0), Map.of("disk_bytes", 0), Map.of("id", "abc"),
				Map.of("id", "abcdefghi"), Map.of("millicpu", "lots"), Map.of("snapshot_id", "not-a-uuid"),
				Map.of("snapshot_id", ""))) {
			Response response = this.client.management("POST", "/sandboxes", createBody(overrides), "Sandbox");
			assertThat(response.status()).as("%s", overrides).isEqualTo(400);
			assertThat(response.body().get("code").asString()).isEqualTo("BAD_REQUEST");
		}
		Response notJson = this.client.management("POST", "/sandboxes", "{oops", "Sandbox");
		assertThat(notJson.status()).isEqualTo(400);
		Response unknown = this.client.management("POST", "/sandboxes",
				createBody(Map.of("snapshot_id", "3f0c2a52-0000-4000-8000-000000000000")), "Sandbox");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body().get("code").asString()).isEqualTo("NOT_FOUND");
		Response unknownAlias = this.client.management("POST", "/sandboxes",
				createBody(Map.of("snapshot_id", "", "snapshot_alias", "nope@v1")), "Sandbox");
		assertThat(unknownAlias.status()).isEqualTo(404);
	}

	@Test
	void customIdGetListBatchDelete() {
		Response created = this.client.management("POST", "/sandboxes", createBody(Map.of("id", "my-box1")),
				"Sandbox");
		assertThat(created.status()).isEqualTo(201);
		assertThat(this.client.management("POST", "/sandboxes", createBody(Map.of("id", "my-box1")), "Sandbox").status())
			.isEqualTo(400);
		assertThat(this.client.management("GET", "/sandboxes/my-box1", null, "Sandbox").status()).isEqualTo(200);
		Response list = this.client.management("GET", "/sandboxes", null, "Sandbox[]");
		assertThat(list.body().valueStream().map(s -> s.get("id").asString())).contains("my-box1");
		Response batch = this.client.management("GET", "/sandboxes/batch?ids%5B%5D=nosuch1&ids[]=my-box1", null,
				"Sandbox[]");
		assertThat(batch.body()).hasSize(1);
		assertThat(this.client.management("GET", "/sandboxes/batch?ids[]=a&ids[]=a", null, "Sandbox[]").status())
			.isEqualTo(400);
		Response deleted = this.client.management("DELETE", "/sandboxes/my-box1", null, null);
		assertThat(deleted.status()).isEqualTo(204);
		assertThat(deleted.text()).isEmpty();
		assertThat(this.client.management("GET", "/sandboxes/my-box1", null, "Sandbox").status()).isEqualTo(404);
		assertThat(this.client.management("DELETE", "/sandboxes/my-box1", null, null).status()).isEqualTo(404);
	}

	@Test
	void lifecycleHibernateResumesAndShutdownColdStarts() {
		String id = this.client.createSandbox(this.snapshotId).get("id").asString();
		Sandbox first = this.client.start(id);
		assertThat(first.record().get("start_type").asString()).isEqualTo("cold_start");
		this.client.agent(first, "POST", "/api/v1/files/" + enc("/keep.txt"),
				HttpRequest.BodyPublishers.ofString("kept"), "FileReadResponse");
		JsonNode hibernated = this.client.stop(id, "hibernate");
		assertThat(hibernated.get("stop_reason").asString()).isEqualTo("hibernated");
		assertThat(hibernated.get("requested_stop_type").asString()).isEqualTo("hibernate");
		assertThat(this.client.agent(first, "GET", "/api/v1/files/" + enc("/keep.txt"), null, null).status())
			.isEqualTo(503);
		Sandbox resumed = this.client.start(id);
		assertThat(resumed.record().get("start_type").asString()).isEqualTo("resume");
		assertThat(resumed.agentToken()).isNotEqualTo(first.agentToken());
		assertThat(this.client.agent(first, "GET", "/api/v1/execs", null, null).status()).isEqualTo(401);
		assertThat(this.client.agent(resumed, "GET", "/api/v1/files/" + enc("/keep.txt"), null, "FileReadResponse")
			.body()
			.get("content")
			.asString()).isEqualTo("kept");
		JsonNode shutdown = this.client.stop(id, "shutdown");
		assertThat(shutdown.get("stop_reason").asString()).isEqualTo("shutdown");
		Sandbox cold = this.client.start(id);
		assertThat(cold.record().get("start_type").asString()).isEqualTo("cold_start");
		this.client.stop(id, "shutdown");
	}

	@Test
	void startWithEmptyJsonContentTypeAndDefaultStopIsShutdown() {
		String id = this.client.createSandbox(this.snapshotId).get("id").asString();
		Response started = this.client.management("POST", "/sandboxes/" + id + "/start", "", "Sandbox");
		assertThat(started.status()).isEqualTo(200);
		assertThat(started.body().get("status").asString()).isIn("starting", "running");
		assertThat(this.client.management("POST", "/sandboxes/" + id + "/wait", null, "Sandbox").body().get("status")
			.asString()).isEqualTo("running");
		assertThat(this.client.management("POST", "/sandboxes/" + id + "/stop", Map.of("stop_type", "nap"), "Sandbox")
			.status()).isEqualTo(400);
		assertThat(this.client.management("POST", "/sandboxes/" + id + "/start", Map.of("version_number", 0), "Sandbox")
			.status()).isEqualTo(400);
		this.client.management("POST", "/sandboxes/" + id + "/stop", null, "Sandbox");
		JsonNode waited = this.client.management("POST", "/sandboxes/" + id + "/wait", null, "Sandbox").body();
		assertThat(waited.get("status").asString()).isEqualTo("stopped");
		assertThat(waited.get("stop_reason").asString()).isEqualTo("shutdown");
		// wait on a stable status returns immediately
		assertThat(this.client.management("POST", "/sandboxes/" + id + "/wait", null, "Sandbox").status()).isEqualTo(200);
	}

	@Test
	void versions() {
		JsonNode created = this.client.createSandbox(this.snapshotId);
		String id = created.get("id").asString();
		Response current = this.client.management("GET", "/sandboxes/" + id + "/versions/current", null,
				"SandboxVersion");
		assertThat(current.body().get("snapshot_id").asString()).isEqualTo(this.snapshotId);
		Response byId = this.client.management("GET", "/sandbox-versions/" + current.body().get("id").asString(), null,
				"SandboxVersion");
		assertThat(byId.body().get("number").asInt()).isEqualTo(1);
		assertThat(this.client.management("GET", "/sandboxes/" + id + "/versions/7", null, "SandboxVersion").status())
			.isEqualTo(404);
	}

	@Test
	void snapshotsAndAliases() {
		Response alias = this.client.management("POST", "/snapshots/" + this.snapshotId + "/aliases",
				Map.of("alias", "my-app@v1"), null);
		assertThat(alias.status()).isEqualTo(204);
		assertThat(alias.text()).isEmpty();
		Response byAlias = this.client.management("GET", "/snapshots/@" + enc("my-app@v1"), null, "Snapshot");
		assertThat(byAlias.body().get("id").asString()).isEqualTo(this.snapshotId);
		assertThat(byAlias.body().propertyNames()).hasSize(9);
		Response aliasRecord = this.client.management("GET", "/snapshot-aliases/@" + enc("my-app@v1"), null,
				"SnapshotAlias");
		assertThat(this.client.management("GET", "/snapshot-aliases/" + aliasRecord.body().get("id").asString(), null,
				"SnapshotAlias").status()).isEqualTo(200);
		Response fromAlias = this.client.management("POST", "/sandboxes",
				Map.of("millicpu", 250, "memory_bytes", 1, "disk_bytes", 1, "snapshot_alias", "my-app@v1"), "Sandbox");
		assertThat(fromAlias.status()).isEqualTo(201);
		assertThat(this.client.management("GET", "/snapshots", null, "Snapshot[]").body().valueStream()
			.map(s -> s.get("id").asString())).contains(this.snapshotId);
		assertThat(this.client.management("GET", "/snapshots/batch?ids[]=" + this.snapshotId, null, "Snapshot[]")
			.body()).hasSize(1);
		assertThat(this.client.management("DELETE", "/snapshots/@" + enc("my-app@v1"), null, null).status())
			.isEqualTo(204);
		assertThat(this.client.management("GET", "/snapshots/" + this.snapshotId, null, "Snapshot").status())
			.isEqualTo(404);
		assertThat(this.client.management("GET", "/snapshots/not-a-uuid", null, "Snapshot").status()).isEqualTo(400);
		assertThat(this.client.management("POST", "/snapshots", Map.of("architecture", "amd64"), "Snapshot").status())
			.isEqualTo(400);
		String other = this.client.createSnapshot();
		assertThat(this.client.management("DELETE", "/snapshots/" + other, null, null).status()).isEqualTo(204);
	}

	@Test
	void credentialsAndAuthorize() {
		Response credential = this.client.management("POST", "/container-registries/default/credentials", null,
				"ContainerRegistryCredential");
		assertThat(credential.status()).isEqualTo(201);
		assertThat(credential.body().get("registry_url").asString()).contains("/");
		assertThat(this.client.management("POST", "/authorize", Map.of("project_id", "p"), null).status())
			.isEqualTo(204);
	}

	@Test
	void unknownEndpointIs404Json() {
		Response response = this.client.management("GET", "/nothing-here", null, null);
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.body().get("errors").isArray()).isTrue();
		Response root = EmulatorClient.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/")).build());
		assertThat(root.status()).isEqualTo(404);
	}

	@Test
	void schemaValidatorCatchesAMissingKey() {
		ObjectNode broken = (ObjectNode) this.client.createSandbox(this.snapshotId);
		broken.remove("agent_token");
		assertThatThrownBy(() -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.MANAGEMENT, "Sandbox", false, broken))
			.isInstanceOf(AssertionError.class);
		broken.put("agent_token", "t").put("status", "exploded");
		assertThatThrownBy(() -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.MANAGEMENT, "Sandbox", false, broken))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void startToRunningIsFast() {
		String id = this.client.createSandbox(this.snapshotId).get("id").asString();
		long started = System.nanoTime();
		this.client.start(id);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		this.client.stop(id, "shutdown");
	}

}
