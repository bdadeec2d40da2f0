package ai.together.sandbox.emulator;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upstream e2e scenarios (PROTOCOL.md §6, 1–27) over the wire, each on a fresh sandbox created
 * from a snapshot and started the way the SDK starts it. Every response body is validated against
 * the OpenAPI schemas by {@link EmulatorClient}.
 */
class E2eScenariosTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private EmulatorClient client;

	private Sandbox sandbox;

	@BeforeEach
	void startSandbox() {
		this.client = new EmulatorClient(emulator.emulator());
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}

	@AfterEach
	void shutdown() {
		this.client.stop(this.sandbox.id(), "shutdown");
	}

	private String write(String path, byte[] content) {
		Response response = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc(path),
				HttpRequest.BodyPublishers.ofByteArray(content), "FileReadResponse");
		assertThat(response.status()).isEqualTo(201);
		return response.body().get("content").asString();
	}

	private Response read(String path) {
		return this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc(path), null, "FileReadResponse");
	}

	private JsonNode exec(Map<String, Object> request) {
		Response response = this.client.agent(this.sandbox, "POST", "/api/v1/execs", request, "ExecItem");
		assertThat(response.status()).isEqualTo(201);
		return response.body();
	}

	private List<JsonNode> output(String execId) {
		Response response = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + enc(execId) + "/io", null,
				"ExecStdout[]");
		assertThat(response.status()).isEqualTo(200);
		return response.body().valueStream().toList();
	}

	private String allOutput(String execId) {
		StringBuilder sb = new StringBuilder();
		output(execId).forEach(m -> sb.append(m.get("output").asString()));
		return sb.toString();
	}

	private JsonNode awaitExit(String execId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> output(execId).stream().filter(m -> m.has("exitCode")).findFirst().orElse(null),
					m -> m != null);
	}

	@Test
	void scenario01CreateStartShutdown() {
		JsonNode created = this.client.createSandbox(this.client.createSnapshot());
		String id = created.get("id").asString();
		assertThat(id).hasSize(8).matches("[a-z0-9]{8}");
		assertThat(created.get("status").asString()).isEqualTo("created");
		Sandbox started = this.client.start(id);
		assertThat(started.id()).isEqualTo(id);
		assertThat(started.record().get("start_type").asString()).isEqualTo("cold_start");
		JsonNode stopped = this.client.stop(id, "shutdown");
		assertThat(stopped.get("stop_reason").asString()).isEqualTo("shutdown");
	}

	@Test
	void scenario02ContextManagerWriteRead() {
		write("/test.txt", "test content".getBytes(StandardCharsets.UTF_8));
		assertThat(read("/test.txt").body().get("content").asString()).isEqualTo("test content");
		Response record = this.client.management("GET", "/sandboxes/" + this.sandbox.id(), null, "Sandbox");
		assertThat(record.body().get("status").asString()).isEqualTo("running");
	}

	@Test
	void scenario03TextRoundTrip() {
		assertThat(write("/test-file.txt", "Hello, World!".getBytes(StandardCharsets.UTF_8))).isEqualTo("Hello, World!");
		Response response = read("/test-file.txt");
		assertThat(response.body().get("content").asString()).isEqualTo("Hello, World!");
		assertThat(response.body().get("encoding").asString()).isEqualTo("utf-8");
		assertThat(response.body().get("path").asString()).isEqualTo("/test-file.txt");
	}

	@Test
	void scenario04BinaryIsBase64() {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, (byte) 0xff };
		write("/image.png", png);
		Response response = read("/image.png");
		assertThat(response.body().get("encoding").asString()).isEqualTo("base64");
		assertThat(Base64.getDecoder().decode(response.body().get("content").asString())).isEqualTo(png);
	}

	@Test
	void scenario05Unicode() {
		String text = "Hello 世界 🌍 Привет";
		write("/unicode.txt", text.getBytes(StandardCharsets.UTF_8));
		assertThat(read("/unicode.txt").body().get("content").asString()).isEqualTo(text);
	}

	@Test
	void scenario06DeleteFile() {
		write("/to-delete.txt", "x".getBytes(StandardCharsets.UTF_8));
		Response deleted = this.client.agent(this.sandbox, "DELETE", "/api/v1/files/" + enc("/to-delete.txt"), null,
				"FileOperationResponse");
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(read("/to-delete.txt").status()).isEqualTo(404);
	}

	@Test
	void scenario07DirectoryWithFile() {
		Response created = this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/test-directory"),
				HttpRequest.BodyPublishers.noBody(), "FileOperationResponse");
		assertThat(created.status()).isEqualTo(201);
		write("/test-directory/file.txt", "inside".getBytes(StandardCharsets.UTF_8));
		assertThat(read("/test-directory/file.txt").body().get("content").asString()).isEqualTo("inside");
	}

	@Test
	void scenario08DeleteNonEmptyDirectory() {
		write("/dir-to-delete/a/file.txt", "x".getBytes(StandardCharsets.UTF_8));
		Response deleted = this.client.agent(this.sandbox, "DELETE", "/api/v1/directories/" + enc("/dir-to-delete"),
				null, "FileOperationResponse");
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(read("/dir-to-delete/a/file.txt").status()).isEqualTo(404);
	}

	@Test
	void scenario09ListDirectory() {
		for (String name : List.of("a.txt", "b.txt", "c.txt")) {
			write("/list-dir/" + name, name.getBytes(StandardCharsets.UTF_8));
		}
		Response listed = this.client.agent(this.sandbox, "GET", "/api/v1/directories/" + enc("/list-dir"), null,
				"DirectoryListResponse");
		assertThat(listed.body().get("files").valueStream().map(f -> f.get("name").asString()))
			.containsExactly("a.txt", "b.txt", "c.txt");
		assertThat(listed.body().get("files").get(0).get("path").asString()).isEqualTo("/list-dir/a.txt");
		Response root = this.client.agent(this.sandbox, "GET", "/api/v1/directories/" + enc("/"), null,
				"DirectoryListResponse");
		assertThat(root.body().get("files").valueStream().map(f -> f.get("name").asString())).contains("list-dir");
		Response stat = this.client.agent(this.sandbox, "GET", "/api/v1/file_stat/" + enc("/list-dir/a.txt"), null,
				"FileInfo");
		assertThat(stat.body().get("size").asLong()).isEqualTo(5);
		assertThat(stat.body().get("isDir").asBoolean()).isFalse();
	}

	@Test
	void scenario10EmptyFile() {
		assertThat(write("/empty.txt", new byte[0])).isEmpty();
		assertThat(read("/empty.txt").body().get("content").asString()).isEmpty();
	}

	@Test
	void scenario11Overwrite() {
		write("/over.txt", "first".getBytes(StandardCharsets.UTF_8));
		write("/over.txt", "second".getBytes(StandardCharsets.UTF_8));
		assertThat(read("/over.txt").body().get("content").asString()).isEqualTo("second");
	}

	@Test
	void scenario12NestedDirectories() {
		for (String dir : List.of("/level1", "/level1/level2", "/level1/level2/level3")) {
			assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc(dir),
					HttpRequest.BodyPublishers.noBody(), "FileOperationResponse").status()).isEqualTo(201);
		}
		write("/level1/level2/level3/deep.txt", "deep".getBytes(StandardCharsets.UTF_8));
		assertThat(read("/level1/level2/level3/deep.txt").body().get("content").asString()).isEqualTo("deep");
	}

	@Test
	void scenario13EchoExec() {
		JsonNode exec = exec(Map.of("command", "echo", "args", List.of("hello")));
		assertThat(exec.get("id").asString()).isNotEmpty();
		assertThat(exec.get("command").asString()).isEqualTo("echo");
		assertThat(exec.get("args").valueStream().map(JsonNode::asString)).containsExactly("hello");
		assertThat(exec.get("pid").asInt()).isGreaterThanOrEqualTo(0);
		assertThat(exec.has("exitCode")).isTrue();
	}

	@Test
	void scenario14GetExec() {
		JsonNode exec = exec(Map.of("command", "echo", "args", List.of("hello")));
		Response got = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + exec.get("id").asString(), null,
				"ExecItem");
		assertThat(got.body().get("id").asString()).isEqualTo(exec.get("id").asString());
		assertThat(got.body().get("command").asString()).isEqualTo("echo");
		assertThat(got.body().get("args").get(0).asString()).isEqualTo("hello");
	}

	@Test
	void scenario15AutorunFalseListed() {
		JsonNode exec = exec(Map.of("command", "sleep", "args", List.of("5"), "autorun", false));
		Response list = this.client.agent(this.sandbox, "GET", "/api/v1/execs", null, "ExecListResponse");
		assertThat(list.body().get("execs").get(0).get("id").asString()).isEqualTo(exec.get("id").asString());
		assertThat(list.body().get("execs")).hasSize(1);
	}

	@Test
	void scenario16DeleteExec() {
		JsonNode exec = exec(Map.of("command", "sleep", "args", List.of("30")));
		String id = exec.get("id").asString();
		Response deleted = this.client.agent(this.sandbox, "DELETE", "/api/v1/execs/" + id, null, "ExecDeleteResponse");
		assertThat(deleted.status()).isEqualTo(200);
		Response got = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id, null, "ExecItem");
		assertThat(got.status()).isEqualTo(404);
		assertThat(got.body().get("code").asInt()).isEqualTo(404);
		assertThat(ProcessHandle.of(exec.get("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
	}

	@Test
	void scenario17OutputContainsHello() {
		JsonNode exec = exec(Map.of("command", "echo", "args", List.of("hello")));
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(exec.get("id").asString()).contains("hello"));
	}

	@Test
	void scenario18ExitCode() {
		JsonNode exec = exec(Map.of("command", "sh", "args", List.of("-c", "exit 42")));
		JsonNode exit = awaitExit(exec.get("id").asString());
		assertThat(exit.get("exitCode").asInt()).isEqualTo(42);
		Response got = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + exec.get("id").asString(), null,
				"ExecItem");
		assertThat(got.body().get("status").asString()).isEqualTo("FINISHED");
		assertThat(got.body().get("exitCode").asInt()).isEqualTo(42);
	}

	@Test
	void scenario19StdoutType() {
		JsonNode exec = exec(Map.of("command", "echo", "args", List.of("hello")));
		String id = exec.get("id").asString();
		awaitExit(id);
		List<JsonNode> messages = output(id);
		assertThat(messages.get(0).get("type").asString()).isEqualTo("stdout");
		assertThat(messages).extracting(m -> m.get("sequence").asInt()).isSorted().doesNotHaveDuplicates();
		JsonNode stderr = exec(Map.of("command", "sh", "args", List.of("-c", "echo oops >&2")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output(stderr.get("id").asString()).stream()
				.anyMatch(m -> m.get("type").asString().equals("stderr") && m.get("output").asString().contains("oops")));
	}

	@Test
	void scenario20Cwd() {
		this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/exec-cwd-test"),
				HttpRequest.BodyPublishers.noBody(), "FileOperationResponse");
		JsonNode exec = exec(Map.of("command", "pwd", "args", List.of(), "cwd", "/exec-cwd-test"));
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(exec.get("id").asString()).contains("/exec-cwd-test"));
	}

	@Test
	void scenario21Env() {
		JsonNode exec = exec(Map.of("command", "sh", "args", List.of("-c", "echo $MY_VAR"), "env",
				Map.of("MY_VAR", "test_value")));
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(exec.get("id").asString()).contains("test_value"));
	}

	@Test
	void scenario22MultipleArgs() {
		JsonNode exec = exec(Map.of("command", "echo", "args", List.of("one", "two", "three")));
		String id = exec.get("id").asString();
		awaitExit(id);
		assertThat(allOutput(id)).contains("one", "two", "three");
	}

	@Test
	void scenario23AutorunFalseNotRunning() {
		JsonNode exec = exec(Map.of("command", "sleep", "args", List.of("5"), "autorun", false));
		Response got = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + exec.get("id").asString(), null,
				"ExecItem");
		assertThat(got.body().get("status").asString()).isNotEqualToIgnoringCase("running").isEqualTo("STOPPED");
		assertThat(got.body().get("exitCode").isNull()).isTrue();
	}

	@Test
	void scenario24ResumeRuns() {
		JsonNode exec = exec(Map.of("command", "sleep", "args", List.of("5"), "autorun", false));
		String id = exec.get("id").asString();
		Response resumed = this.client.agent(this.sandbox, "PUT", "/api/v1/execs/" + id, Map.of("status", "running"),
				"ExecItem");
		assertThat(resumed.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id, null, "ExecItem")
				.body()
				.get("status")
				.asString()
				.equals("RUNNING"));
		Response again = this.client.agent(this.sandbox, "PUT", "/api/v1/execs/" + id, Map.of("status", "running"),
				"ExecItem");
		assertThat(again.status()).isEqualTo(409);
	}

	@Test
	void scenario25StreamOutput() {
		JsonNode exec = exec(Map.of("command", "sh", "args", List.of("-c", "echo one; echo two; exit 3")));
		String id = exec.get("id").asString();
		List<JsonNode> events = EmulatorClient.sse(this.sandbox.agentUrl() + "/api/v1/stream/execs/" + id + "/io",
				this.sandbox.agentToken(), e -> false, Duration.ofSeconds(10));
		events.forEach(e -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "ExecStdout", false, e));
		assertThat(events).isNotEmpty();
		assertThat(events.get(events.size() - 1).get("exitCode").asInt()).isEqualTo(3);
		StringBuilder text = new StringBuilder();
		events.forEach(e -> text.append(e.get("output").asString()));
		assertThat(text.toString()).contains("one", "two");
		int last = events.get(0).get("sequence").asInt();
		List<JsonNode> resumed = EmulatorClient.sse(
				this.sandbox.agentUrl() + "/api/v1/stream/execs/" + id + "/io?lastSequence=" + last,
				this.sandbox.agentToken(), e -> false, Duration.ofSeconds(10));
		assertThat(resumed).hasSize(events.size() - 1);
		assertThat(resumed).allMatch(e -> e.get("sequence").asInt() > last);
		Response lastOne = this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id + "/io?lastSequence=-1", null,
				"ExecStdout[]");
		assertThat(lastOne.body()).hasSize(1);
		assertThat(lastOne.body().get(0).get("exitCode").asInt()).isEqualTo(3);
	}

	@Test
	void scenario26StreamList() {
		List<JsonNode> events = EmulatorClient.sse(this.sandbox.agentUrl() + "/api/v1/stream/execs",
				this.sandbox.agentToken(), e -> !e.isEmpty(), Duration.ofSeconds(10));
		OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "ExecListResponse", false, events.get(0));
		assertThat(events.get(0).get("execs")).isEmpty();
	}

	@Test
	void scenario27InteractiveStdin() {
		JsonNode exec = exec(Map.of("command", "cat", "args", List.of(), "interactive", true));
		String id = exec.get("id").asString();
		Response sent = this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "stdin", "input", "hello stdin\n"), "ExecItem");
		assertThat(sent.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(id).contains("hello stdin"));
	}

}
