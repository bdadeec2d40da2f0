package ai.together.sandbox.emulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pseudo-terminals, process trees, ports, file watching and large files.
 */
class ProcessFeaturesTest {

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

	private JsonNode exec(Map<String, Object> request) {
		Response response = this.client.agent(this.sandbox, "POST", "/api/v1/execs", request, "ExecItem");
		assertThat(response.status()).isEqualTo(201);
		return response.body();
	}

	private String allOutput(String execId) {
		StringBuilder sb = new StringBuilder();
		this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + execId + "/io", null, "ExecStdout[]")
			.body()
			.valueStream()
			.forEach(m -> sb.append(m.get("output").asString()));
		return sb.toString();
	}

	@Test
	void ptyIsATerminalThatResizeChanges() {
		JsonNode exec = exec(Map.of("command", "sh", "args", List.of(), "pty", true, "interactive", true));
		String id = exec.get("id").asString();
		assertThat(exec.get("pty").asBoolean()).isTrue();
		Response resized = this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "resize", "input", "100x40"), "ExecItem");
		assertThat(resized.status()).isEqualTo(200);
		this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "stdin", "input", "stty size; test -t 0 && echo IS-A-TTY\n"), "ExecItem");
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(id).contains("40 100"));
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(id).contains("IS-A-TTY"));
		this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io", Map.of("type", "resize", "input", "80x24"),
				"ExecItem");
		this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "stdin", "input", "stty size\n"), "ExecItem");
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(id).contains("24 80"));
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "resize", "input", "wide"), null).status()).isEqualTo(400);
		this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io", Map.of("type", "stdin", "input", "exit 7\n"),
				"ExecItem");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id, null, "ExecItem")
				.body()
				.get("exitCode")
				.asInt(-1) == 7);
	}

	@Test
	void deletingAnExecKillsItsWholeTree() {
		JsonNode exec = exec(Map.of("command", "sh", "args",
				List.of("-c", "sh -c 'sleep 300 & echo GRANDCHILD=$!; wait' & wait")));
		String id = exec.get("id").asString();
		await().atMost(Duration.ofSeconds(10)).until(() -> allOutput(id).contains("GRANDCHILD="));
		// $! is a process id of the sandbox, which has a PID namespace of its own with namespaces:
		// the grandchild is looked up in the tree of the exec's process on this machine.
		long grandchild = ProcessHandle.of(exec.get("pid").asLong())
			.orElseThrow()
			.descendants()
			.filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep 300")).orElse(false))
			.findFirst()
			.orElseThrow()
			.pid();
		assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive)).contains(true);
		assertThat(this.client.agent(this.sandbox, "DELETE", "/api/v1/execs/" + id, null, "ExecDeleteResponse")
			.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id, null, null).status()).isEqualTo(404);
	}

	@Test
	void portsListsWhatTheSandboxListensOn() throws Exception {
		Path python = Path.of("/usr/bin/python3");
		Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3");
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		List<JsonNode> streamed = new CopyOnWriteArrayList<>();
		CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> EmulatorClient.sse(
				this.sandbox.agentUrl() + "/api/v1/stream/ports", this.sandbox.agentToken(),
				events -> events.stream().anyMatch(e -> e.get("ports").size() > 0), Duration.ofSeconds(15),
				streamed::add));
		await().atMost(Duration.ofSeconds(5)).until(() -> !streamed.isEmpty());
		assertThat(streamed.get(0).get("ports")).isEmpty();
		exec(Map.of("command", python.toString(), "args",
				List.of("-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1")));
		int expected = port;
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Response ports = this.client.agent(this.sandbox, "GET", "/api/v1/ports", null, "PortsListResponse");
			return ports.body().get("ports").valueStream().anyMatch(p -> p.get("port").asInt() == expected
					&& p.get("address").asString().equals("127.0.0.1"));
		});
		List<JsonNode> events = stream.get(15, TimeUnit.SECONDS);
		events.forEach(e -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "PortsListResponse", false, e));
		assertThat(events.get(events.size() - 1).get("ports").get(0).get("port").asInt()).isEqualTo(port);
	}

	@Test
	void watchReportsRecursiveEventsAndHonoursIgnorePatterns() throws Exception {
		this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/watched/sub"),
				HttpRequest.BodyPublishers.noBody(), "FileOperationResponse");
		List<JsonNode> seen = new CopyOnWriteArrayList<>();
		CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> EmulatorClient.sse(
				this.sandbox.agentUrl()
						+ "/api/v1/stream/directories/watcher//watched?recursive=true&ignorePatterns=*.log&ignorePatterns=node_modules",
				this.sandbox.agentToken(),
				events -> events.stream().anyMatch(e -> e.get("paths").get(0).asString().equals("/watched/sub/done.txt")),
				Duration.ofSeconds(15), seen::add));
		await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
		assertThat(seen.get(0).get("type").asString()).isEqualTo("connected");
		for (String path : List.of("/watched/sub/a.txt", "/watched/noise.log", "/watched/node_modules/x.js",
				"/watched/sub/done.txt")) {
			this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc(path),
					HttpRequest.BodyPublishers.ofString("x"), "FileReadResponse");
		}
		List<JsonNode> events = stream.get(15, TimeUnit.SECONDS);
		events.forEach(e -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "WatcherEvent", false, e));
		List<String> paths = events.stream().skip(1).map(e -> e.get("paths").get(0).asString()).toList();
		assertThat(paths).contains("/watched/sub/a.txt", "/watched/sub/done.txt");
		assertThat(paths).noneMatch(p -> p.endsWith(".log") || p.contains("node_modules"));
		assertThat(events.stream().skip(1).map(e -> e.get("type").asString())).allMatch(
				t -> List.of("ADD", "REMOVE", "CHANGE").contains(t));
	}

	@Test
	void execListStreamReportsChanges() throws Exception {
		List<JsonNode> seen = new CopyOnWriteArrayList<>();
		CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> EmulatorClient.sse(
				this.sandbox.agentUrl() + "/api/v1/stream/execs", this.sandbox.agentToken(),
				events -> events.stream().anyMatch(e -> e.get("execs").size() == 1
						&& e.get("execs").get(0).get("status").asString().equals("FINISHED")),
				Duration.ofSeconds(15), seen::add));
		await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
		exec(Map.of("command", "true", "args", List.of()));
		List<JsonNode> events = stream.get(15, TimeUnit.SECONDS);
		events.forEach(e -> OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "ExecListResponse", false, e));
		assertThat(events.get(0).get("execs")).isEmpty();
	}

	@Test
	void sixtyFourMebibyteFilesRoundTrip() throws IOException {
		byte[] data = new byte[64 * 1024 * 1024];
		new Random(42).nextBytes(data);
		Response written = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/big/blob.bin"),
				HttpRequest.BodyPublishers.ofByteArray(data), null);
		assertThat(written.status()).isEqualTo(201);
		Response read = this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/big/blob.bin"), null, null);
		assertThat(read.body().get("encoding").asString()).isEqualTo("base64");
		assertThat(Base64.getDecoder().decode(read.body().get("content").asString())).isEqualTo(data);
		Response moved = this.client.agent(this.sandbox, "PATCH", "/api/v1/files/" + enc("/big/blob.bin"),
				Map.of("action", "move", "destination", "/big/moved.bin"), "FileActionResponse");
		assertThat(moved.body().get("to").asString()).isEqualTo("/big/moved.bin");
		Response copied = this.client.agent(this.sandbox, "PATCH", "/api/v1/files/" + enc("/big"),
				Map.of("action", "copy", "destination", "/big-copy"), "FileActionResponse");
		assertThat(copied.status()).isEqualTo(200);
		Response stat = this.client.agent(this.sandbox, "GET", "/api/v1/file_stat/" + enc("/big-copy/moved.bin"), null,
				"FileInfo");
		assertThat(stat.body().get("size").asLong()).isEqualTo(data.length);
	}

}
