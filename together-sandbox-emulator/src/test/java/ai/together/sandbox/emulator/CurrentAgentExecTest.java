package ai.together.sandbox.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exec dialect of the agent of a sandbox created through {@code /v1} (the current agent:
 * {@code POST /execs/{id}/start}, {@code autostart}, {@code user}, no {@code interactive},
 * {@code CREATED}/{@code RUNNING}/{@code EXITED}), validated against the current agent
 * specification, and that each generation's agent speaks only its own start form.
 */
class CurrentAgentExecTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private static long uid;

	private static long gid;

	private EmulatorClient client;

	private Sandbox sandbox;

	@BeforeAll
	static void ownIds() throws IOException {
		uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
		gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
	}

	@BeforeEach
	void setUp() {
		this.client = new EmulatorClient(emulator.emulator());
		String snapshot = this.client.current("POST", "/snapshots", Map.of("image", "alpine:latest"), "Snapshot")
			.body()
			.get("id")
			.asString();
		this.sandbox = this.client.createCurrent(Map.of("snapshot_id", snapshot));
	}

	private Response exec(Map<String, Object> body) {
		return this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs", body, "ExecItem");
	}

	private JsonNode getExec(String id) {
		return this.client.currentAgent(this.sandbox, "GET", "/api/v1/execs/" + id, null, "ExecItem").body();
	}

	@Test
	void startRunsACreatedExecIsIdempotentWhileRunningAnd409OnceExited() {
		Response created = exec(Map.of("command", "sh", "args", List.of("-c", "read line; echo got $line"),
				"autostart", false));
		assertThat(created.status()).isEqualTo(201);
		JsonNode item = created.body();
		assertThat(item.get("status").asString()).isEqualTo("CREATED");
		assertThat(item.has("interactive")).isFalse();
		assertThat(item.has("user")).isFalse();
		String id = item.get("id").asString();

		Response started = this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs/" + id + "/start", Map.of(),
				"ExecItem");
		assertThat(started.status()).isEqualTo(200);
		assertThat(started.body().get("status").asString()).isEqualTo("RUNNING");
		Response again = this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs/" + id + "/start", null,
				"ExecItem");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body().get("status").asString()).isEqualTo("RUNNING");
		assertThat(again.body().get("pid").asLong()).isEqualTo(started.body().get("pid").asLong());

		// Every exec takes stdin: there is no interactive flag any more.
		assertThat(this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "stdin", "input", "hello\n"), "ExecItem").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(getExec(id).get("status").asString()).isEqualTo("EXITED"));
		assertThat(getExec(id).get("exitCode").asInt()).isZero();

		Response exited = this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs/" + id + "/start", Map.of(),
				null);
		assertThat(exited.status()).isEqualTo(409);
		assertThat(exited.body().get("code").asInt()).isEqualTo(409);
		assertThat(exited.body().get("message").asString()).contains("EXITED");
		assertThat(this.client.currentAgent(this.sandbox, "POST", "/api/v1/execs/nope/start", Map.of(), null).status())
			.isEqualTo(404);

		JsonNode output = this.client.currentAgent(this.sandbox, "GET", "/api/v1/execs/" + id + "/io", null,
				"ExecStdout[]").body();
		assertThat(output.valueStream().map(m -> m.get("output").asString())).contains("got hello\n");
		// exitCode only on the final message.
		for (int i = 0; i < output.size() - 1; i++) {
			assertThat(output.get(i).has("exitCode")).as("message %s", output.get(i)).isFalse();
		}
		assertThat(output.get(output.size() - 1).get("exitCode").asInt()).isZero();
	}

	@Test
	void autostartIsTheDefaultAndAutorunIsNotTheCurrentName() {
		Response started = exec(Map.of("command", "sh", "args", List.of("-c", "exit 7")));
		assertThat(started.body().get("status").asString()).isIn("RUNNING", "EXITED");
		String id = started.body().get("id").asString();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(getExec(id).get("exitCode").asInt()).isEqualTo(7));
		assertThat(getExec(id).get("status").asString()).isEqualTo("EXITED");
		// The seed's autorun=false is no option of the current agent: the exec starts.
		Response seedName = exec(Map.of("command", "true", "args", List.of(), "autorun", false));
		assertThat(seedName.body().get("status").asString()).isIn("RUNNING", "EXITED");
		JsonNode list = this.client.currentAgent(this.sandbox, "GET", "/api/v1/execs", null, "ExecListResponse").body();
		assertThat(list.get("execs")).allSatisfy(e -> assertThat(e.has("interactive")).isFalse());
	}

	@Test
	void theEmulatorsOwnUserIsAcceptedAndAnyOtherRefused() throws IOException {
		for (String user : List.of(Long.toString(uid), uid + ":" + gid, ":" + gid)) {
			Response created = exec(Map.of("command", "id", "args", List.of("-u"), "user", user));
			assertThat(created.status()).as("%s: %s", user, created.text()).isEqualTo(201);
			assertThat(created.body().get("user").asString()).isEqualTo(uid + ":" + gid);
		}
		// By name: the /etc/passwd entry of this uid, when there is one.
		String name = null;
		for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
			String[] fields = line.split(":");
			if (fields.length > 3 && fields[2].equals(Long.toString(uid)) && fields[3].equals(Long.toString(gid))) {
				name = fields[0];
				break;
			}
		}
		if (name != null) {
			Response byName = exec(Map.of("command", "true", "args", List.of(), "user", name + ":"));
			assertThat(byName.status()).as(byName.text()).isEqualTo(201);
			assertThat(byName.body().get("user").asString()).isEqualTo(uid + ":" + gid);
		}

		Response unknown = exec(Map.of("command", "true", "args", List.of(), "user", "no-such-user-x1"));
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.body().get("message").asString()).contains("unknown user 'no-such-user-x1'");
		Response unknownGroup = exec(Map.of("command", "true", "args", List.of(), "user", uid + ":no-such-group-x1"));
		assertThat(unknownGroup.status()).isEqualTo(400);
		Response other = exec(Map.of("command", "true", "args", List.of(), "user", Long.toString(uid + 1)));
		assertThat(other.status()).isEqualTo(400);
		assertThat(other.body().get("message").asString()).contains("cannot switch to " + (uid + 1));
	}

	@Test
	void eachGenerationsAgentSpeaksOnlyItsOwnStartForm() {
		String id = exec(Map.of("command", "sleep", "args", List.of("5"), "autostart", false)).body().get("id").asString();
		Response put = this.client.currentAgent(this.sandbox, "PUT", "/api/v1/execs/" + id, Map.of("status", "running"),
				null);
		assertThat(put.status()).isEqualTo(405);
		assertThat(getExec(id).get("status").asString()).isEqualTo("CREATED");

		String seedSnapshot = this.client.createSnapshot();
		Sandbox seed = this.client.newSandbox(seedSnapshot);
		Response seedExec = this.client.agent(seed, "POST", "/api/v1/execs",
				Map.of("command", "sleep", "args", List.of("5"), "autorun", false), "ExecItem");
		String seedId = seedExec.body().get("id").asString();
		assertThat(seedExec.body().get("status").asString()).isEqualTo("STOPPED");
		assertThat(seedExec.body().has("interactive")).isTrue();
		assertThat(this.client.agent(seed, "POST", "/api/v1/execs/" + seedId + "/start", Map.of(), null).status())
			.isEqualTo(404);
		assertThat(this.client.agent(seed, "PUT", "/api/v1/execs/" + seedId, Map.of("status", "running"), "ExecItem")
			.body()
			.get("status")
			.asString()).isEqualTo("RUNNING");
	}

}
