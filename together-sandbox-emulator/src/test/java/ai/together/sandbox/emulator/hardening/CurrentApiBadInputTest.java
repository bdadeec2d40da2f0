package ai.together.sandbox.emulator.hardening;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.OpenApiSchemas;
import ai.together.sandbox.emulator.SandboxEmulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrongly typed and out-of-range bodies and query parameters at every endpoint of the current
 * management API ({@code /v1}) and at the current agent's exec endpoints: each answers a 4xx with
 * the JSON error of its API, never a 5xx.
 */
class CurrentApiBadInputTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private static final List<String> JSON_JUNK = List.of("null", "[]", "1", "\"x\"", "{\"a\":", "[{}]");

	private String snapshot;

	private String sandbox;

	private String agentPath;

	private String agentToken;

	@BeforeEach
	void setUp() throws IOException {
		this.snapshot = json(send("POST", "/v1/snapshots", "{\"image\":\"alpine:latest\"}")).get("id").asString();
		JsonNode created = json(send("POST", "/v1/sandboxes", "{\"snapshot_id\":\"" + this.snapshot + "\"}"));
		this.sandbox = created.get("id").asString();
		JsonNode running = json(send("POST", "/v1/sandboxes/" + this.sandbox + "/wait", null));
		this.agentPath = running.get("agent").get("url").asString().replaceFirst("^http://[^/]+", "");
		this.agentToken = running.get("agent").get("token").asString();
	}

	private RawHttp.Response send(String method, String target, String body) throws IOException {
		return RawHttp.send(emulator.emulator().port(), method, target, RawHttp.bearer(emulator.apiKey()),
				body != null ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	private static JsonNode json(RawHttp.Response response) {
		assertThat(response.status()).as(response.text()).isLessThan(300);
		return OpenApiSchemas.MAPPER.readTree(response.text());
	}

	@Test
	void managementBodiesAndQueriesOfTheWrongShapeAre4xx() throws IOException {
		String s = "\"snapshot_id\":\"" + this.snapshot + "\"";
		String id = this.sandbox;
		Map<String, List<String>> bodies = new LinkedHashMap<>();
		bodies.put("/v1/sandboxes", List.of("{" + s + ",\"cpu\":1e309}", "{" + s + ",\"cpu\":-1e-400}",
				"{" + s + ",\"memory_bytes\":99999999999999999999999}", "{" + s + ",\"ttl\":\"x\"}",
				"{" + s + ",\"ttl\":1e400}", "{" + s + ",\"tags\":[]}", "{" + s + ",\"tags\":{\"k\":null}}",
				"{" + s + ",\"tags\":{\"" + "k".repeat(60) + "\":\"v\"}}",
				"{" + s + ",\"termination_policy\":{\"snapshot\":1}}", "{" + s + ",\"termination_policy\":[]}",
				"{" + s + ",\"termination_policy\":{\"snapshot\":{\"aliases\":[1]}}}",
				"{" + s + ",\"termination_policy\":{\"snapshot\":{\"tags\":{\"a\":{}}}}}", "{\"snapshot_id\":1}",
				"{\"snapshot_alias\":[]}", "{\"snapshot_id\":\"../../etc\"}"));
		bodies.put("/v1/sandboxes/" + id + "/terminate",
				List.of("{\"snapshot\":[]}", "{\"snapshot\":{\"ttl\":-5}}", "{\"snapshot\":{\"aliases\":\"a\"}}"));
		bodies.put("/v1/snapshots", List.of("{\"image\":1}", "{\"image\":\"x\",\"architecture\":1}",
				"{\"image\":\"x\",\"tags\":\"t\"}", "{\"image\":\"x\",\"ttl\":true}"));
		bodies.put("/v1/snapshots/" + this.snapshot + "/aliases", List.of("{\"alias\":1}", "{\"alias\":null}"));
		bodies.put("/v1/authorize", List.of("{\"project_id\":1}"));
		int checked = 0;
		for (Map.Entry<String, List<String>> target : bodies.entrySet()) {
			List<String> all = new ArrayList<>(JSON_JUNK);
			all.addAll(target.getValue());
			for (String body : all) {
				RawHttp.Response response = send("POST", target.getKey(), body);
				assertErrorOf(response, "POST " + target.getKey() + " " + body);
				checked++;
			}
		}
		for (String query : List.of("/v1/sandboxes?limit=abc", "/v1/sandboxes?limit=-1",
				"/v1/sandboxes?limit=99999999999999999999", "/v1/sandboxes?statuses[]=",
				"/v1/sandboxes?statuses%5B%5D=RUNNING", "/v1/sandboxes?tags[a]=1&tags[a]=2",
				"/v1/snapshots?exclude_retired=1", "/v1/snapshots?limit=0", "/v1/sandboxes/batch?ids[]=",
				"/v1/sandboxes/batch?ids[]=%2e%2e", "/v1/snapshots/batch", "/v1/snapshots/%2e%2e", "/v1/snapshots/@",
				"/v1/snapshots/%zz", "/v1/sandboxes/%2e%2e%2f", "/v1/snapshots/not-a-uuid/aliases",
				"/v1/sandboxes/" + "a".repeat(5000))) {
			assertErrorOf(send("GET", query, null), query);
			checked++;
		}
		// Any cursor is a position among the ids, even one no id has.
		RawHttp.Response odd = send("GET", "/v1/sandboxes?cursor=%00%FF", null);
		assertThat(odd.status()).isEqualTo(200);
		assertThat(checked).isGreaterThan(50);
		// Still serving, and none of the refused terminates took effect.
		RawHttp.Response still = send("GET", "/v1/sandboxes/" + id, null);
		assertThat(json(still).get("status").asString()).isEqualTo("running");
	}

	@Test
	void currentAgentExecBodiesOfTheWrongShapeAre4xx() throws IOException {
		List<String> bodies = new ArrayList<>(JSON_JUNK);
		bodies.addAll(List.of("{\"command\":\"true\",\"args\":[],\"user\":1}",
				"{\"command\":\"true\",\"args\":[],\"user\":\"a:b:c\"}", "{\"command\":\"true\",\"args\":[],\"user\":\"99999999999:\"}",
				"{\"command\":\"true\",\"args\":[],\"user\":\"::\"}", "{\"command\":\"true\",\"args\":[],\"user\":\"\\u0000\"}",
				"{\"command\":\"true\",\"args\":[],\"autostart\":\"yes\"}", "{\"command\":\"true\",\"args\":[],\"user\":\"x:\"}"));
		int checked = 0;
		for (String body : bodies) {
			RawHttp.Response response = RawHttp.send(emulator.emulator().port(), "POST", this.agentPath + "/api/v1/execs",
					RawHttp.bearer(this.agentToken), body.getBytes(StandardCharsets.UTF_8));
			if (response.status() < 400) {
				continue;
			}
			assertThat(response.status()).as(body).isBetween(400, 499);
			JsonNode error = OpenApiSchemas.MAPPER.readTree(response.text());
			OpenApiSchemas.get().validate(OpenApiSchemas.Api.CURRENT_AGENT, "Error", false, error);
			checked++;
		}
		assertThat(checked).isGreaterThanOrEqualTo(10);
		RawHttp.Response start = RawHttp.send(emulator.emulator().port(), "POST", this.agentPath + "/api/v1/execs/nope/start",
				RawHttp.bearer(this.agentToken), "[]".getBytes(StandardCharsets.UTF_8));
		assertThat(start.status()).isEqualTo(404);
	}

	private static void assertErrorOf(RawHttp.Response response, String what) {
		assertThat(response.status()).as("%s: %s", what, response.text()).isBetween(400, 499);
		assertThat(response.contentType()).as(what).startsWith("application/json");
		OpenApiSchemas.get()
			.validate(OpenApiSchemas.Api.CURRENT_MANAGEMENT, "Error", false, OpenApiSchemas.MAPPER.readTree(response.text()));
	}

}
