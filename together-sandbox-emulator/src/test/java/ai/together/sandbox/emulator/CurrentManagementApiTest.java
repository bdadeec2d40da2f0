package ai.together.sandbox.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The management API of the current generation ({@code /v1}): every endpoint with its exact
 * success code and model (validated against the current specification), the filters and cursor
 * pages, terminate's three snapshot forms, ttl, retirement and aliases, and how it shares the
 * state with the seed API.
 */
class CurrentManagementApiTest {

	private static final String UUID_REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private EmulatorClient client;

	private String snapshotId;

	@BeforeEach
	void setUp() {
		this.client = new EmulatorClient(emulator.emulator());
		this.snapshotId = createSnapshot(Map.of("image", "alpine:latest"));
	}

	private String createSnapshot(Map<String, Object> body) {
		Response created = this.client.current("POST", "/snapshots", body, "Snapshot");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		return created.body().get("id").asString();
	}

	private Map<String, Object> create(Object... pairs) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("snapshot_id", this.snapshotId);
		for (int i = 0; i < pairs.length; i += 2) {
			body.put((String) pairs[i], pairs[i + 1]);
		}
		body.values().removeIf(v -> v == null);
		return body;
	}

	private JsonNode get(String id) {
		Response response = this.client.current("GET", "/sandboxes/" + id, null, "Sandbox");
		assertThat(response.status()).isEqualTo(200);
		return response.body();
	}

	private JsonNode terminate(String id, Object body) {
		Response terminated = this.client.current("POST", "/sandboxes/" + id + "/terminate", body, "Sandbox");
		assertThat(terminated.status()).as(terminated.text()).isEqualTo(200);
		assertThat(terminated.body().get("status").asString()).isIn("terminating", "terminated");
		Response waited = this.client.current("POST", "/sandboxes/" + id + "/wait", null, "Sandbox");
		assertThat(waited.status()).isEqualTo(200);
		return waited.body();
	}

	private void writeFile(Sandbox sandbox, String path, String content) {
		Response written = this.client.currentAgent(sandbox, "POST", "/api/v1/files/" + enc(path),
				content, "FileReadResponse");
		assertThat(written.status()).as(written.text()).isEqualTo(201);
	}

	@Test
	void createdSandboxRunsWithEveryKeyOfTheModel() {
		Response created = this.client.current("POST", "/sandboxes", create(), "Sandbox");
		assertThat(created.status()).isEqualTo(201);
		JsonNode sandbox = created.body();
		assertThat(sandbox.propertyNames()).hasSize(18);
		assertThat(sandbox.get("id").asString()).matches(UUID_REGEX);
		assertThat(sandbox.get("status").asString()).isIn("starting", "running");
		assertThat(sandbox.get("tags").isObject()).isTrue();
		assertThat(sandbox.get("termination_policy").isNull()).isTrue();
		assertThat(sandbox.get("ttl").isNull()).isTrue();
		assertThat(sandbox.get("cpu").asDouble()).isEqualTo(1.0);
		assertThat(sandbox.get("memory_bytes").asLong()).isEqualTo(2_000_000_000L);
		assertThat(sandbox.get("created_at").asString()).endsWith("+00:00");
		String id = sandbox.get("id").asString();
		JsonNode waited = this.client.current("POST", "/sandboxes/" + id + "/wait", null, "Sandbox").body();
		assertThat(waited.get("status").asString()).isEqualTo("running");
		assertThat(waited.get("status_reason").asString()).isEqualTo("cold_started");
		assertThat(waited.get("started_at").isNull()).isFalse();
		assertThat(waited.get("agent").get("url").asString())
			.isEqualTo(emulator.baseUrl() + "/sandboxes/" + id + "/agent");
		assertThat(waited.get("agent").get("token").asString()).isNotEmpty();
		// Running at once: the agent answers without a start call.
		Sandbox connected = this.client.createCurrent(create("cpu", 0.5, "memory_bytes", 2147483648L));
		assertThat(connected.record().get("cpu").asDouble()).isEqualTo(0.5);
		assertThat(this.client.currentAgent(connected, "GET", "/api/v1/execs", null, "ExecListResponse").status())
			.isEqualTo(200);
	}

	@Test
	void invalidCreatesAre400AndUnknownSnapshots404() {
		List<Map<String, Object>> invalid = List.of(Map.of(), Map.of("snapshot_id", "not-a-uuid"),
				create("cpu", 0), create("cpu", 17), create("cpu", "one"), create("memory_bytes", 100),
				create("memory_bytes", 40_000_000_000L), create("ttl", 0), create("ttl", 1.5),
				create("tags", Map.of("-bad", "x")), create("tags", Map.of("k", 1)),
				create("termination_policy", Map.of()), create("termination_policy", Map.of("snapshot", Map.of("ttl", 0))),
				create("termination_policy", Map.of("snapshot", Map.of("aliases", "a"))));
		for (Map<String, Object> body : invalid) {
			Response response = this.client.current("POST", "/sandboxes", body, "Sandbox");
			assertThat(response.status()).as("%s: %s", body, response.text()).isEqualTo(400);
			assertThat(response.body().get("code").asString()).isEqualTo("BAD_REQUEST");
		}
		assertThat(this.client.current("POST", "/sandboxes", "{oops", "Sandbox").status()).isEqualTo(400);
		assertThat(this.client.current("POST", "/sandboxes", create("snapshot_id", UUID.randomUUID().toString()),
				"Sandbox").status()).isEqualTo(404);
		Map<String, Object> byAlias = Map.of("snapshot_alias", "nope@v1");
		assertThat(this.client.current("POST", "/sandboxes", byAlias, "Sandbox").status()).isEqualTo(404);
	}

	@Test
	void getAndBatchSeeOnlySandboxesOfThisGeneration() {
		String a = this.client.createCurrent(create()).id();
		String b = this.client.createCurrent(create()).id();
		assertThat(get(a).get("id").asString()).isEqualTo(a);
		assertThat(this.client.current("GET", "/sandboxes/not-a-uuid", null, "Sandbox").status()).isEqualTo(400);
		assertThat(this.client.current("GET", "/sandboxes/" + UUID.randomUUID(), null, "Sandbox").status())
			.isEqualTo(404);
		String missing = UUID.randomUUID().toString();
		Response batch = this.client.current("GET",
				"/sandboxes/batch?ids%5B%5D=" + b + "&ids[]=" + missing + "&ids[]=" + a, null, "Sandbox[]");
		assertThat(batch.status()).isEqualTo(200);
		assertThat(batch.body().valueStream().map(s -> s.get("id").asString())).containsExactly(b, a);
		assertThat(this.client.current("GET", "/sandboxes/batch?ids[]=" + a + "&ids[]=" + a, null, null).status())
			.isEqualTo(400);
		assertThat(this.client.current("GET", "/sandboxes/batch", null, null).status()).isEqualTo(400);
		assertThat(this.client.current("GET", "/sandboxes/batch?ids[]=abc", null, null).status()).isEqualTo(400);
		StringBuilder many = new StringBuilder("/sandboxes/batch?");
		for (int i = 0; i < 101; i++) {
			many.append("ids[]=").append(UUID.randomUUID()).append('&');
		}
		assertThat(this.client.current("GET", many.toString(), null, null).status()).isEqualTo(400);

		// One state, two generations: the seed API does not see these sandboxes, nor this one the seed's.
		assertThat(this.client.management("GET", "/sandboxes/" + a, null, null).status()).isEqualTo(404);
		assertThat(this.client.management("GET", "/sandboxes", null, "Sandbox[]").body().valueStream()
			.map(s -> s.get("id").asString())).doesNotContain(a, b);
		String seed = this.client.createSandbox(this.snapshotId).get("id").asString();
		assertThat(this.client.current("GET", "/sandboxes/" + seed, null, null).status()).isEqualTo(400);
		Response seedOnV1 = this.client.current("GET", "/sandboxes?limit=100", null, "SandboxPage");
		assertThat(seedOnV1.body().get("data").valueStream().map(s -> s.get("id").asString())).doesNotContain(seed)
			.contains(a, b);
		// Snapshots are shared: the seed API lists the one created here.
		assertThat(this.client.management("GET", "/snapshots/" + this.snapshotId, null, "Snapshot").status())
			.isEqualTo(200);
	}

	@Test
	void listFiltersByTagsStatusesAndSnapshotAcrossCursorPages() {
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(this.client.createCurrent(create("tags", Map.of("run", run, "idx", Integer.toString(i)))).id());
		}
		List<String> seen = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			Response page = this.client.current("GET", "/sandboxes?limit=2&tags%5Brun%5D=" + run
					+ (cursor != null ? "&cursor=" + cursor : ""), null, "SandboxPage");
			assertThat(page.status()).isEqualTo(200);
			assertThat(page.body().has("next_cursor")).isTrue();
			page.body().get("data").forEach(s -> seen.add(s.get("id").asString()));
			cursor = page.body().get("next_cursor").isNull() ? null : page.body().get("next_cursor").asString();
			if (cursor != null) {
				assertThat(cursor).isEqualTo(seen.get(seen.size() - 1));
			}
			pages++;
		}
		while (cursor != null);
		assertThat(pages).isEqualTo(3);
		assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
		JsonNode both = this.client.current("GET", "/sandboxes?tags[run]=" + run + "&tags[idx]=3", null, "SandboxPage")
			.body();
		assertThat(both.get("data")).hasSize(1);
		assertThat(both.get("data").get(0).get("id").asString()).isEqualTo(ids.get(3));
		assertThat(both.get("next_cursor").isNull()).isTrue();

		terminate(ids.get(0), Map.of("snapshot", java.util.Collections.singletonMap("aliases", List.of())));
		JsonNode terminated = this.client
			.current("GET", "/sandboxes?tags[run]=" + run + "&statuses[]=terminated", null, "SandboxPage")
			.body();
		assertThat(terminated.get("data").valueStream().map(s -> s.get("id").asString())).containsExactly(ids.get(0));
		JsonNode anyOf = this.client.current("GET",
				"/sandboxes?tags[run]=" + run + "&statuses%5B%5D=terminated&statuses%5B%5D=running&limit=100", null,
				"SandboxPage").body();
		assertThat(anyOf.get("data")).hasSize(5);
		assertThat(this.client.current("GET", "/sandboxes?statuses[]=stopped", null, null).status()).isEqualTo(400);
		assertThat(this.client.current("GET", "/sandboxes?limit=0", null, null).status()).isEqualTo(400);
		assertThat(this.client.current("GET", "/sandboxes?limit=101", null, null).status()).isEqualTo(400);

		String other = createSnapshot(Map.of("image", "debian:bookworm"));
		String fromOther = this.client.createCurrent(create("snapshot_id", other)).id();
		JsonNode bySnapshot = this.client.current("GET", "/sandboxes?snapshot_id=" + other, null, "SandboxPage").body();
		assertThat(bySnapshot.get("data").valueStream().map(s -> s.get("id").asString())).containsExactly(fromOther);
	}

	@Test
	void terminateWithSnapshotKeepsTheFilesForASandboxCreatedFromItsAlias() {
		Sandbox sandbox = this.client.createCurrent(create("tags", Map.of("keep", "yes")));
		writeFile(sandbox, "/work/notes.txt", "written before terminate");
		String alias = "keep-" + UUID.randomUUID().toString().substring(0, 8) + "@v1";
		JsonNode terminated = terminate(sandbox.id(),
				Map.of("snapshot", Map.of("aliases", List.of(alias), "tags", Map.of("from", "terminate"), "ttl", 3600)));
		assertThat(terminated.get("status").asString()).isEqualTo("terminated");
		assertThat(terminated.get("status_reason").asString()).isEqualTo("termination_requested");
		assertThat(terminated.get("terminated_at").isNull()).isFalse();
		assertThat(terminated.get("agent").get("token").isNull()).isTrue();
		assertThat(terminated.get("agent").get("url").isNull()).isTrue();
		// The agent of a terminated sandbox is gone, and so are its files (they live on in the snapshot).
		assertThat(this.client.currentAgent(sandbox, "GET", "/api/v1/execs", null, null).status()).isEqualTo(503);
		assertThat(emulator.emulator().dataDirectory().resolve("sandboxes").resolve(sandbox.id()).resolve("fs"))
			.doesNotExist();

		Response snapshot = this.client.current("GET", "/snapshots/@" + enc("sandbox:" + sandbox.id()), null,
				"Snapshot");
		assertThat(snapshot.status()).isEqualTo(200);
		assertThat(snapshot.body().get("tags").get("from").asString()).isEqualTo("terminate");
		assertThat(snapshot.body().get("ttl").asLong()).isEqualTo(3600);
		assertThat(snapshot.body().get("byte_size").asLong()).isEqualTo("written before terminate".length());
		String producedId = snapshot.body().get("id").asString();
		assertThat(this.client.current("GET", "/snapshots/@" + enc(alias), null, "Snapshot").body().get("id")
			.asString()).isEqualTo(producedId);

		// One state: a seed sandbox created from that alias starts with the files too.
		String seedId = this.client.management("POST", "/sandboxes", Map.of("millicpu", 1000, "memory_bytes", 1024,
				"disk_bytes", 1024, "snapshot_alias", "sandbox:" + sandbox.id()), "Sandbox").body().get("id").asString();
		Sandbox seed = this.client.start(seedId);
		assertThat(this.client.agent(seed, "GET", "/api/v1/files/" + enc("/work/notes.txt"), (Object) null,
				"FileReadResponse").body().get("content").asString()).isEqualTo("written before terminate");

		Sandbox next = this.client.createCurrent(Map.of("snapshot_alias", "sandbox:" + sandbox.id()));
		assertThat(next.record().get("snapshot_id").asString()).isEqualTo(producedId);
		Response read = this.client.currentAgent(next, "GET", "/api/v1/files/" + enc("/work/notes.txt"), null,
				"FileReadResponse");
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.body().get("content").asString()).isEqualTo("written before terminate");
	}

	@Test
	void terminateUsesTheStoredPolicyWhenTheKeyIsAbsentAndNoneWhenItIsNull() {
		String alias = "policy-" + UUID.randomUUID().toString().substring(0, 8) + "@v1";
		Map<String, Object> policy = Map.of("snapshot", Map.of("aliases", List.of(alias)));
		Sandbox stored = this.client.createCurrent(create("termination_policy", policy));
		assertThat(stored.record().get("termination_policy").get("snapshot").get("aliases").get(0).asString())
			.isEqualTo(alias);
		// No body at all: the stored policy.
		terminate(stored.id(), null);
		String viaSandbox = this.client.current("GET", "/snapshots/@" + enc("sandbox:" + stored.id()), null,
				"Snapshot").body().get("id").asString();
		assertThat(this.client.current("GET", "/snapshots/@" + enc(alias), null, "Snapshot").body().get("id")
			.asString()).isEqualTo(viaSandbox);

		// {} (key absent): the stored policy too.
		Sandbox emptyBody = this.client.createCurrent(create("termination_policy", policy));
		terminate(emptyBody.id(), Map.of());
		assertThat(this.client.current("GET", "/snapshots/@" + enc("sandbox:" + emptyBody.id()), null, "Snapshot")
			.status()).isEqualTo(200);

		// {"snapshot": null}: an ephemeral teardown despite the policy.
		Sandbox ephemeral = this.client.createCurrent(create("termination_policy", policy));
		JsonNode done = terminate(ephemeral.id(), "{\"snapshot\":null}");
		assertThat(done.get("status").asString()).isEqualTo("terminated");
		assertThat(this.client.current("GET", "/snapshots/@" + enc("sandbox:" + ephemeral.id()), null, null).status())
			.isEqualTo(404);

		// No policy and no body: ephemeral; a second terminate answers the terminated sandbox.
		Sandbox none = this.client.createCurrent(create());
		terminate(none.id(), null);
		assertThat(this.client.current("GET", "/snapshots/@" + enc("sandbox:" + none.id()), null, null).status())
			.isEqualTo(404);
		Response again = this.client.current("POST", "/sandboxes/" + none.id() + "/terminate", null, "Sandbox");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body().get("status").asString()).isEqualTo("terminated");
		assertThat(this.client.current("POST", "/sandboxes/" + none.id() + "/terminate", "{\"snapshot\":3}", null)
			.status()).isEqualTo(400);
		assertThat(this.client.current("POST", "/sandboxes/" + UUID.randomUUID() + "/terminate", null, null).status())
			.isEqualTo(404);
		assertThat(this.client.current("POST", "/sandboxes/" + UUID.randomUUID() + "/wait", null, null).status())
			.isEqualTo(404);
	}

	@Test
	void ttlTerminatesTheSandboxAndRetiresTheSnapshot() {
		String sandbox = this.client.createCurrent(create("ttl", 1)).id();
		String snapshot = createSnapshot(Map.of("image", "alpine:3.20", "ttl", 1));
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(get(sandbox).get("status").asString()).isEqualTo("terminated"));
		JsonNode terminated = get(sandbox);
		assertThat(terminated.get("status_reason").asString()).isEqualTo("autoterminated");
		assertThat(terminated.get("ttl").asLong()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(
					this.client.current("GET", "/snapshots/" + snapshot, null, "Snapshot").body().get("retired_at").isNull())
				.isFalse());
		assertThat(this.client.current("POST", "/sandboxes", create("snapshot_id", snapshot), null).status())
			.isEqualTo(400);
	}

	@Test
	void snapshotsCreateGetListPagesAndRetire() {
		String tag = UUID.randomUUID().toString().substring(0, 8);
		Response created = this.client.current("POST", "/snapshots",
				Map.of("image", "node:22", "architecture", "arm64", "tags", Map.of("suite", tag)), "Snapshot");
		assertThat(created.status()).isEqualTo(201);
		JsonNode snapshot = created.body();
		assertThat(snapshot.propertyNames()).hasSize(10);
		assertThat(snapshot.get("id").asString()).matches(UUID_REGEX);
		assertThat(snapshot.get("memory").asBoolean()).isFalse();
		assertThat(snapshot.get("retired_at").isNull()).isTrue();
		String first = snapshot.get("id").asString();
		List<String> ids = new ArrayList<>(List.of(first));
		for (int i = 0; i < 2; i++) {
			ids.add(createSnapshot(Map.of("image", "node:22", "tags", Map.of("suite", tag))));
		}
		for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of(), Map.of("image", " "),
				Map.of("image", "x", "architecture", "riscv"), Map.of("image", "x", "ttl", 0),
				Map.of("image", "x", "tags", Map.of("a b", "c")))) {
			assertThat(this.client.current("POST", "/snapshots", body, null).status()).as("%s", body).isEqualTo(400);
		}

		assertThat(this.client.current("GET", "/snapshots/" + first, null, "Snapshot").body().get("tags").get("suite")
			.asString()).isEqualTo(tag);
		assertThat(this.client.current("GET", "/snapshots/nope", null, null).status()).isEqualTo(400);
		assertThat(this.client.current("GET", "/snapshots/" + UUID.randomUUID(), null, null).status()).isEqualTo(404);
		assertThat(this.client.current("GET", "/snapshots/@" + enc("no@such"), null, null).status()).isEqualTo(404);

		List<String> seen = new ArrayList<>();
		String cursor = null;
		do {
			JsonNode page = this.client.current("GET",
					"/snapshots?limit=2&tags[suite]=" + tag + (cursor != null ? "&cursor=" + cursor : ""), null,
					"SnapshotPage").body();
			page.get("data").forEach(s -> seen.add(s.get("id").asString()));
			cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asString();
		}
		while (cursor != null);
		assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

		Response retired = this.client.current("POST", "/snapshots/" + first + "/retire", null, "Snapshot");
		assertThat(retired.status()).isEqualTo(200);
		String retiredAt = retired.body().get("retired_at").asString();
		assertThat(retiredAt).endsWith("+00:00");
		assertThat(this.client.current("POST", "/snapshots/" + first + "/retire", null, "Snapshot").body()
			.get("retired_at").asString()).isEqualTo(retiredAt);
		assertThat(this.client.current("POST", "/snapshots/" + UUID.randomUUID() + "/retire", null, null).status())
			.isEqualTo(404);
		JsonNode all = this.client.current("GET", "/snapshots?limit=100&tags[suite]=" + tag, null, "SnapshotPage").body();
		assertThat(all.get("data")).hasSize(3);
		JsonNode active = this.client
			.current("GET", "/snapshots?limit=100&exclude_retired=true&tags[suite]=" + tag, null, "SnapshotPage")
			.body();
		assertThat(active.get("data").valueStream().map(s -> s.get("id").asString())).doesNotContain(first)
			.hasSize(2);
		assertThat(this.client.current("GET", "/snapshots?exclude_retired=maybe", null, null).status()).isEqualTo(400);

		// A retired snapshot creates no sandbox, in either generation.
		Response refused = this.client.current("POST", "/sandboxes", create("snapshot_id", first), null);
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body().get("message").asString()).contains("retired");
		assertThat(this.client.management("POST", "/sandboxes", Map.of("millicpu", 1000, "memory_bytes", 1024,
				"disk_bytes", 1024, "snapshot_id", first), null).status()).isEqualTo(400);

		Response batch = this.client.current("GET",
				"/snapshots/batch?ids[]=" + ids.get(2) + "&ids[]=" + UUID.randomUUID() + "&ids[]=" + first, null,
				"Snapshot[]");
		assertThat(batch.body().valueStream().map(s -> s.get("id").asString())).containsExactly(ids.get(2), first);
		assertThat(this.client.current("GET", "/snapshots/batch?ids[]=" + first + "&ids[]=" + first, null, null)
			.status()).isEqualTo(400);
	}

	@Test
	void aliasesAreUpsertedListedAndDeletedIdempotently() {
		String other = createSnapshot(Map.of("image", "alpine:latest"));
		String alias = "app-" + UUID.randomUUID().toString().substring(0, 8) + "@v1";
		Response aliased = this.client.current("POST", "/snapshots/" + this.snapshotId + "/aliases",
				Map.of("alias", alias), null);
		assertThat(aliased.status()).isEqualTo(204);
		assertThat(aliased.text()).isEmpty();
		JsonNode listed = this.client.current("GET", "/snapshots/" + this.snapshotId + "/aliases", null,
				"SnapshotAlias[]").body();
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).get("alias").asString()).isEqualTo(alias);
		assertThat(listed.get(0).propertyNames()).containsExactly("snapshot_id", "alias", "created_at");

		// The same name on another snapshot repoints it.
		assertThat(this.client.current("POST", "/snapshots/" + other + "/aliases", Map.of("alias", alias), null)
			.status()).isEqualTo(204);
		assertThat(this.client.current("GET", "/snapshots/" + this.snapshotId + "/aliases", null, "SnapshotAlias[]")
			.body()).isEmpty();
		assertThat(this.client.current("GET", "/snapshots/@" + enc(alias), null, "Snapshot").body().get("id")
			.asString()).isEqualTo(other);

		assertThat(this.client.current("POST", "/snapshots/" + other + "/aliases", Map.of(), null).status())
			.isEqualTo(400);
		assertThat(this.client.current("POST", "/snapshots/" + UUID.randomUUID() + "/aliases", Map.of("alias", "x"),
				null).status()).isEqualTo(404);
		assertThat(this.client.current("GET", "/snapshots/" + UUID.randomUUID() + "/aliases", null, null).status())
			.isEqualTo(404);

		Response deleted = this.client.current("DELETE", "/snapshot-aliases/" + enc(alias), null, null);
		assertThat(deleted.status()).isEqualTo(204);
		assertThat(deleted.text()).isEmpty();
		assertThat(this.client.current("GET", "/snapshots/@" + enc(alias), null, null).status()).isEqualTo(404);
		assertThat(this.client.current("DELETE", "/snapshot-aliases/" + enc(alias), null, null).status()).isEqualTo(204);
	}

	@Test
	void credentialsAuthorizeAuthAndUnknownEndpoints() {
		Response credential = this.client.current("POST", "/container-registries/default/credentials", null,
				"ContainerRegistryCredential");
		assertThat(credential.status()).isEqualTo(201);
		assertThat(credential.body().get("registry_url").asString()).endsWith("/emulator");
		assertThat(this.client.current("POST", "/authorize", Map.of("project_id", "proj_x"), null).status())
			.isEqualTo(204);

		EmulatorClient wrongKey = new EmulatorClient(emulator.baseUrl(), "wrong");
		Response unauthorized = wrongKey.current("GET", "/sandboxes", null, null);
		assertThat(unauthorized.status()).isEqualTo(401);
		assertThat(unauthorized.body().get("code").asString()).isEqualTo("UNAUTHORIZED");
		// What the current API dropped is not there.
		String id = this.client.createCurrent(create()).id();
		assertThat(this.client.current("POST", "/sandboxes/" + id + "/start", null, null).status()).isEqualTo(404);
		assertThat(this.client.current("DELETE", "/sandboxes/" + id, null, null).status()).isEqualTo(405);
		assertThat(this.client.current("DELETE", "/snapshots/" + this.snapshotId, null, null).status()).isEqualTo(405);
	}

	@Test
	void aRestartedEmulatorKeepsTheRecordsAndReportsLostSandboxesTerminated(@TempDir Path data) {
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(data).apiKey("restart-key").build();
		String id;
		String snapshot;
		try (SandboxEmulator first = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(first);
			snapshot = client.current("POST", "/snapshots", Map.of("image", "alpine:latest", "tags", Map.of("a", "b")),
					"Snapshot").body().get("id").asString();
			id = client.createCurrent(Map.of("snapshot_id", snapshot, "ttl", 3600, "tags", Map.of("t", "v"),
					"termination_policy", Map.of("snapshot", Map.of("aliases", List.of("r@v1"))))).id();
		}
		try (SandboxEmulator second = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(second);
			JsonNode sandbox = client.current("GET", "/sandboxes/" + id, null, "Sandbox").body();
			assertThat(sandbox.get("status").asString()).isEqualTo("terminated");
			assertThat(sandbox.get("status_reason").asString()).isEqualTo("node_lost");
			assertThat(sandbox.get("tags").get("t").asString()).isEqualTo("v");
			assertThat(sandbox.get("ttl").asLong()).isEqualTo(3600);
			assertThat(sandbox.get("termination_policy").get("snapshot").get("aliases").get(0).asString())
				.isEqualTo("r@v1");
			assertThat(client.current("GET", "/snapshots/" + snapshot, null, "Snapshot").body().get("tags").get("a")
				.asString()).isEqualTo("b");
			assertThat(client.management("GET", "/sandboxes/" + id, null, null).status()).isEqualTo(404);
		}
	}

}
