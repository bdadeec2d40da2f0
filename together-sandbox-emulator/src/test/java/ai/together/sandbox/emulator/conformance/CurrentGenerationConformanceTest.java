package ai.together.sandbox.emulator.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.emulator.OpenApiSchemas;
import ai.together.sandbox.emulator.SandboxEmulatorExtension;
import ai.together.sandbox.emulator.conformance.ResponseRecorder.RecordedExchange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The current generation end to end over the wire, the way the current SDKs call it: every
 * response (and every event of a stream) of the {@code /v1} management API and of the agent of a
 * {@code /v1} sandbox is validated against the current specifications by the
 * {@link ResponseSchemaValidator}, which picks the operation from the path alone. After a run of
 * the whole class every current management endpoint and every exec endpoint of the current agent
 * must have been validated.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CurrentGenerationConformanceTest {

	private static final Set<String> EXPECTED_ENDPOINTS = Set.of("CURRENT_MANAGEMENT POST /sandboxes",
			"CURRENT_MANAGEMENT GET /sandboxes", "CURRENT_MANAGEMENT GET /sandboxes/batch",
			"CURRENT_MANAGEMENT GET /sandboxes/{id}", "CURRENT_MANAGEMENT POST /sandboxes/{id}/terminate",
			"CURRENT_MANAGEMENT POST /sandboxes/{id}/wait", "CURRENT_MANAGEMENT POST /snapshots",
			"CURRENT_MANAGEMENT GET /snapshots", "CURRENT_MANAGEMENT GET /snapshots/batch",
			"CURRENT_MANAGEMENT GET /snapshots/{id}", "CURRENT_MANAGEMENT POST /snapshots/{id}/retire",
			"CURRENT_MANAGEMENT GET /snapshots/@{alias}", "CURRENT_MANAGEMENT GET /snapshots/{snapshot_id}/aliases",
			"CURRENT_MANAGEMENT POST /snapshots/{snapshot_id}/aliases",
			"CURRENT_MANAGEMENT DELETE /snapshot-aliases/{alias}",
			"CURRENT_MANAGEMENT POST /container-registries/default/credentials", "CURRENT_MANAGEMENT POST /authorize",
			"CURRENT_AGENT POST /api/v1/files/{path}", "CURRENT_AGENT GET /api/v1/files/{path}",
			"CURRENT_AGENT POST /api/v1/execs", "CURRENT_AGENT GET /api/v1/execs", "CURRENT_AGENT GET /api/v1/execs/{id}",
			"CURRENT_AGENT POST /api/v1/execs/{id}/start", "CURRENT_AGENT DELETE /api/v1/execs/{id}",
			"CURRENT_AGENT GET /api/v1/execs/{id}/io", "CURRENT_AGENT POST /api/v1/execs/{id}/io",
			"CURRENT_AGENT GET /api/v1/stream/execs/{id}/io");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private static final ResponseSchemaValidator validator = new ResponseSchemaValidator();

	private static final Map<String, Integer> checkedBodies = new ConcurrentHashMap<>();

	private static int testsRun;

	private final List<RecordedExchange> exchanges = new ArrayList<>();

	/** One response: its status and parsed JSON body ({@code null} when empty or not JSON). */
	private record Answer(int status, @Nullable JsonNode json) {

		JsonNode body() {
			assertThat(this.json).as("JSON body of HTTP %s", this.status).isNotNull();
			return this.json;
		}

	}

	/** Sends a request as the current SDKs do and records the exchange for validation. */
	private Answer send(String method, String url, @Nullable String token, @Nullable Object body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(20))
			.header("Authorization", "Bearer " + (token != null ? token : emulator.apiKey()));
		if (body != null) {
			builder.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(
						body instanceof String s ? s : OpenApiSchemas.MAPPER.writeValueAsString(body)));
		}
		else {
			builder.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<byte[]> response;
		try {
			response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		String contentType = response.headers().firstValue("Content-Type").orElse("");
		RecordedExchange exchange = new RecordedExchange(method, URI.create(url), response.statusCode(), contentType);
		exchange.append(response.body());
		this.exchanges.add(exchange);
		String text = new String(response.body(), StandardCharsets.UTF_8);
		JsonNode json = contentType.startsWith("application/json") && !text.isBlank()
				? OpenApiSchemas.MAPPER.readTree(text) : null;
		return new Answer(response.statusCode(), json);
	}

	private Answer management(String method, String path, @Nullable Object body) {
		return send(method, emulator.baseUrl() + "/v1" + path, null, body);
	}

	private Answer agent(JsonNode sandbox, String method, String path, @Nullable Object body) {
		JsonNode agent = sandbox.get("agent");
		return send(method, agent.get("url").asString() + path, agent.get("token").asString(), body);
	}

	private String snapshot(Map<String, Object> body) {
		Answer created = management("POST", "/snapshots", body);
		assertThat(created.status()).isEqualTo(201);
		return created.body().get("id").asString();
	}

	/** Create, then wait while it starts (the SDKs' rule since 3.3.0). */
	private JsonNode running(Map<String, Object> body) {
		JsonNode created = management("POST", "/sandboxes", body).body();
		if (created.get("status").asString().equals("starting")) {
			created = management("POST", "/sandboxes/" + created.get("id").asString() + "/wait", null).body();
		}
		assertThat(created.get("status").asString()).isEqualTo("running");
		return created;
	}

	@AfterEach
	void validateResponses() {
		testsRun++;
		assertThat(this.exchanges).as("responses recorded").isNotEmpty();
		List<String> problems = new ArrayList<>();
		for (RecordedExchange exchange : this.exchanges) {
			ResponseSchemaValidator.Checked checked = validator.check(exchange);
			checkedBodies.merge(checked.endpoint(), checked.bodies(), Integer::sum);
			problems.addAll(checked.problems());
		}
		if (!problems.isEmpty()) {
			fail(problems.size() + " of " + this.exchanges.size() + " responses do not match the current specs:\n"
					+ String.join("\n", problems));
		}
	}

	@AfterAll
	static void everyEndpointWasValidated() {
		long tests = Arrays.stream(CurrentGenerationConformanceTest.class.getDeclaredMethods())
			.filter(method -> method.isAnnotationPresent(Test.class))
			.count();
		if (testsRun == tests) {
			assertThat(checkedBodies.keySet()).as("endpoints whose responses were checked")
				.containsAll(EXPECTED_ENDPOINTS);
			assertThat(EXPECTED_ENDPOINTS).allMatch(endpoint -> checkedBodies.get(endpoint) > 0);
		}
	}

	@Test
	void sandboxLifecycleWithTagsPagesAndATerminationSnapshot() {
		String snapshotId = snapshot(Map.of("image", "alpine:latest", "tags", Map.of("suite", "conformance")));
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(running(Map.of("snapshot_id", snapshotId, "cpu", 1, "memory_bytes", 2147483648L, "ttl", 600,
					"tags", Map.of("run", run))).get("id").asString());
		}
		Answer first = management("GET", "/sandboxes?limit=2&tags%5Brun%5D=" + run + "&statuses%5B%5D=running", null);
		String cursor = first.body().get("next_cursor").asString();
		Answer last = management("GET", "/sandboxes?limit=2&tags%5Brun%5D=" + run + "&cursor=" + cursor, null);
		assertThat(last.body().get("next_cursor").isNull()).isTrue();
		assertThat(management("GET", "/sandboxes/batch?ids[]=" + ids.get(1) + "&ids[]=" + ids.get(0), null).body())
			.hasSize(2);
		assertThat(management("GET", "/sandboxes/" + ids.get(2), null).status()).isEqualTo(200);
		assertThat(management("GET", "/sandboxes/not-a-uuid", null).status()).isEqualTo(400);

		JsonNode sandbox = management("GET", "/sandboxes/" + ids.get(0), null).body();
		assertThat(agent(sandbox, "POST", "/api/v1/files/%2Fkept.txt", "kept").status()).isEqualTo(201);
		String alias = "conformance-" + run + "@v1";
		Answer terminating = management("POST", "/sandboxes/" + ids.get(0) + "/terminate",
				Map.of("snapshot", Map.of("aliases", List.of(alias))));
		assertThat(terminating.status()).isEqualTo(200);
		assertThat(management("POST", "/sandboxes/" + ids.get(0) + "/wait", null).body().get("status").asString())
			.isEqualTo("terminated");
		management("POST", "/sandboxes/" + ids.get(1) + "/terminate", "{\"snapshot\":null}");
		management("POST", "/sandboxes/" + ids.get(2) + "/terminate", "{}");

		JsonNode next = running(Map.of("snapshot_alias", "sandbox:" + ids.get(0)));
		assertThat(agent(next, "GET", "/api/v1/files/%2Fkept.txt", null).body().get("content").asString())
			.isEqualTo("kept");
		assertThat(management("GET", "/snapshots/@" + "conformance-" + run + "%40v1", null).status()).isEqualTo(200);
		management("POST", "/sandboxes/" + next.get("id").asString() + "/terminate", null);
	}

	@Test
	void snapshotsAliasesRetirementCredentialsAndAuthorize() {
		String a = snapshot(Map.of("image", "alpine:latest", "architecture", "amd64", "ttl", 3600));
		String b = snapshot(Map.of("image", "debian:bookworm", "tags", Map.of("k", "v")));
		assertThat(management("GET", "/snapshots?limit=1", null).body().get("next_cursor").isNull()).isFalse();
		assertThat(management("GET", "/snapshots?tags[k]=v&exclude_retired=true", null).status()).isEqualTo(200);
		assertThat(management("GET", "/snapshots/batch?ids[]=" + a + "&ids[]=" + b, null).body()).hasSize(2);
		assertThat(management("GET", "/snapshots/" + a, null).status()).isEqualTo(200);
		String alias = "conf-" + UUID.randomUUID().toString().substring(0, 8) + "@v1";
		assertThat(management("POST", "/snapshots/" + a + "/aliases", Map.of("alias", alias)).status()).isEqualTo(204);
		assertThat(management("GET", "/snapshots/" + a + "/aliases", null).body()).hasSize(1);
		assertThat(management("GET", "/snapshots/@" + alias.replace("@", "%40"), null).status()).isEqualTo(200);
		assertThat(management("DELETE", "/snapshot-aliases/" + alias.replace("@", "%40"), null).status())
			.isEqualTo(204);
		assertThat(management("POST", "/snapshots/" + b + "/retire", null).body().get("retired_at").isNull())
			.isFalse();
		assertThat(management("POST", "/sandboxes", Map.of("snapshot_id", b)).status()).isEqualTo(400);
		assertThat(management("GET", "/snapshots/" + UUID.randomUUID(), null).status()).isEqualTo(404);
		assertThat(management("POST", "/container-registries/default/credentials", null).status()).isEqualTo(201);
		assertThat(management("POST", "/authorize", Map.of("project_id", "proj_emulator")).status()).isEqualTo(204);
		assertThat(send("GET", emulator.baseUrl() + "/v1/sandboxes", "wrong-key", null).status()).isEqualTo(401);
	}

	@Test
	void execsInTheCurrentAgentDialect() {
		JsonNode sandbox = running(Map.of("snapshot_id", snapshot(Map.of("image", "alpine:latest"))));
		String created = agent(sandbox, "POST", "/api/v1/execs",
				Map.of("command", "sh", "args", List.of("-c", "read x; echo $x"), "autostart", false)).body().get("id")
			.asString();
		assertThat(agent(sandbox, "POST", "/api/v1/execs/" + created + "/start", Map.of()).status()).isEqualTo(200);
		assertThat(agent(sandbox, "POST", "/api/v1/execs/" + created + "/start", Map.of()).status()).isEqualTo(200);
		assertThat(agent(sandbox, "POST", "/api/v1/execs/" + created + "/io", Map.of("type", "stdin", "input", "hi\n"))
			.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> agent(sandbox, "GET", "/api/v1/execs/" + created, null).body().get("status").asString(),
					"EXITED"::equals);
		assertThat(agent(sandbox, "POST", "/api/v1/execs/" + created + "/start", Map.of()).status()).isEqualTo(409);
		assertThat(agent(sandbox, "GET", "/api/v1/execs/" + created + "/io", null).body()).isNotEmpty();
		// The stream of an exited exec replays its output and ends.
		assertThat(agent(sandbox, "GET", "/api/v1/stream/execs/" + created + "/io", null).status()).isEqualTo(200);
		assertThat(agent(sandbox, "GET", "/api/v1/execs", null).body().get("execs")).hasSize(1);
		String user = agent(sandbox, "POST", "/api/v1/execs", Map.of("command", "true", "args", List.of(), "user",
				"no-such-user-c1")).body().get("message").asString();
		assertThat(user).contains("unknown user");
		assertThat(agent(sandbox, "DELETE", "/api/v1/execs/" + created, null).status()).isEqualTo(200);
	}

}
