package ai.together.sandbox.execs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import ai.together.sandbox.files.ConnectedSandbox;
import ai.together.sandbox.files.LocalAgentServer.Request;
import ai.together.sandbox.files.LocalAgentServer;
import ai.together.sandbox.internal.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.files.LocalAgentServer.events;
import static ai.together.sandbox.files.LocalAgentServer.json;
import static ai.together.sandbox.files.LocalAgentServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code execs().run} against a local agent that really runs the command as a process and streams
 * what it printed, then its exit code.
 */
class ExecRunTest {

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<String, List<String>> commands = new ConcurrentHashMap<>();

	private LocalAgentServer server;

	private ConnectedSandbox connected;

	@BeforeEach
	void start() {
		this.server = LocalAgentServer.start(this::handle);
		this.connected = ConnectedSandbox.connect(this.server.baseUrl(), UnaryOperator.identity());
	}

	@AfterEach
	void stop() {
		this.connected.close();
		this.server.close();
	}

	@Test
	void returnsExitCodeZeroAndTheOutput() {
		ExecResult result = this.connected.sandbox()
			.execs()
			.run(ExecRequest.of("sh", "-c", "echo hello; echo 'wörld'"), Duration.ofSeconds(30));

		assertThat(result.exitCode()).isZero();
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.stdout()).isEqualTo("hello\nwörld\n");
		assertThat(result.stderr()).isEmpty();
		assertThat(result.execId()).isEqualTo("exec-1");
		assertThat(result.duration()).isPositive();
	}

	@Test
	void returnsExitCodeThreeWithStdoutAndStderrApart() {
		StepVerifier.create(this.connected.reactive()
			.execs()
			.run(ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3")))
			.assertNext((result) -> {
				assertThat(result.exitCode()).isEqualTo(3);
				assertThat(result.isSuccess()).isFalse();
				assertThat(result.stdout()).isEqualTo("out\n");
				assertThat(result.stderr()).isEqualTo("err\n");
				assertThat(result.toString()).doesNotContain("out\n");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(30));
		assertThat(this.server.uris()).containsExactly("/api/v1/execs", "/api/v1/stream/execs/exec-1/io");
	}

	@Test
	void timeoutDeletesTheExecAndFailsClearly() {
		assertThatExceptionOfType(ExecTimeoutException.class)
			.isThrownBy(() -> this.connected.sandbox()
				.execs()
				.run(ExecRequest.of("hang"), Duration.ofMillis(300)))
			.withMessage("execs.run: exec 'exec-1' ('hang') did not exit within PT0.3S; the exec was deleted")
			.satisfies((error) -> {
				assertThat(error.execId()).isEqualTo("exec-1");
				assertThat(error.timeout()).isEqualTo(Duration.ofMillis(300));
			});
		assertThat(this.server.requests()).extracting(Request::method, Request::uri)
			.containsExactly(tuple("POST", "/api/v1/execs"), tuple("GET", "/api/v1/stream/execs/exec-1/io"),
					tuple("DELETE", "/api/v1/execs/exec-1"));
	}

	private Publisher<Void> handle(Request request, HttpServerResponse response) {
		if (request.method().equals("POST") && request.path().equals("/api/v1/execs")) {
			JsonNode body = readJson(request.body());
			List<String> command = new ArrayList<>();
			command.add(body.get("command").asString());
			body.get("args").forEach((arg) -> command.add(arg.asString()));
			String id = "exec-" + this.ids.incrementAndGet();
			this.commands.put(id, command);
			return json(response, 201, "{\"id\":\"" + id + "\",\"command\":\"" + command.get(0)
					+ "\",\"args\":[],\"status\":\"running\",\"pid\":1,\"interactive\":false,\"pty\":false,"
					+ "\"exitCode\":null}");
		}
		if (request.method().equals("GET") && request.path().startsWith("/api/v1/stream/execs/")) {
			String id = request.path().split("/")[5];
			List<String> command = this.commands.get(id);
			if (command.get(0).equals("hang")) {
				return sse(response).sendString(Flux.never());
			}
			return sse(response).sendString(Mono.fromCallable(() -> run(command))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapMany(Flux::fromIterable));
		}
		if (request.method().equals("DELETE")) {
			return json(response, 200, "{\"message\":\"deleted\"}");
		}
		return json(response, 404, "{\"code\":404,\"message\":\"not found\"}");
	}

	private static List<String> run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).start();
		process.getOutputStream().close();
		String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		int exitCode = process.waitFor();
		List<String> frames = new ArrayList<>();
		int sequence = 0;
		if (!stdout.isEmpty()) {
			frames.add(events(message(++sequence, "stdout", stdout, null)));
		}
		if (!stderr.isEmpty()) {
			frames.add(events(message(++sequence, "stderr", stderr, null)));
		}
		frames.add(events(message(++sequence, "stdout", "", exitCode)));
		return frames;
	}

	private static String message(int sequence, String type, String output, Integer exitCode) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("type", type);
		message.put("output", output);
		message.put("sequence", sequence);
		if (exitCode != null) {
			message.put("exitCode", exitCode);
		}
		return new String(Json.write(message), StandardCharsets.UTF_8);
	}

	private static JsonNode readJson(byte[] body) {
		try {
			return Json.tree(body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
