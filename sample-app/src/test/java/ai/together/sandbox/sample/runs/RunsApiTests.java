package ai.together.sandbox.sample.runs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.sample.SampleAppTest;
import ai.together.sandbox.sandboxes.SandboxStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /runs}, {@code GET /runs/{id}} and {@code GET /runs/{id}/events} over real HTTP,
 * against the running application and its embedded emulator.
 */
@SampleAppTest
class RunsApiTests {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private TogetherSandbox sdk;

	private WebTestClient client;

	@BeforeEach
	void connect() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@Test
	void runWritesTheFilesRunsTheCommandAndReturnsItsExitCodeAndOutput() {
		Map<String, Object> request = Map.of("command", "sh", "args",
				List.of("-c", "cat greeting.txt; cat data/answer.txt >&2; exit 3"), "files",
				Map.of("greeting.txt", "hello\n", "data/answer.txt", "42\n"));

		RunView run = this.client.post()
			.uri("/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(RunView.class)
			.returnResult()
			.getResponseBody();

		assertThat(run).isNotNull();
		assertThat(run.id()).isNotBlank();
		assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
		assertThat(run.exitCode()).isEqualTo(3);
		assertThat(run.stdout()).isEqualTo("hello\n");
		assertThat(run.stderr()).isEqualTo("42\n");
		assertThat(run.error()).isNull();
		assertThat(run.sandboxStatus()).isEqualTo("stopped");
		assertThat(this.sdk.sandboxes().get(run.sandboxId()).status()).isEqualTo(SandboxStatus.STOPPED);

		List<ServerSentEvent<String>> events = events(run.id()).collectList().block(Duration.ofSeconds(10));

		assertThat(events).isNotNull();
		List<String> statuses = events.stream()
			.filter((event) -> RunEvents.STATUS.equals(event.event()))
			.map((event) -> data(event).get("status").asString())
			.toList();
		assertThat(statuses).containsExactly("creating", "starting", "writing", "running", "stopping", "finished");
		Map<String, String> outputByStream = events.stream()
			.filter((event) -> RunEvents.OUTPUT.equals(event.event()))
			.map(RunsApiTests::data)
			.collect(Collectors.groupingBy((data) -> data.get("stream").asString(),
					Collectors.mapping((data) -> data.get("text").asString(), Collectors.joining())));
		assertThat(outputByStream).containsExactlyInAnyOrderEntriesOf(Map.of("stdout", "hello\n", "stderr", "42\n"));
		List<ServerSentEvent<String>> exits = events.stream()
			.filter((event) -> RunEvents.EXIT.equals(event.event()))
			.toList();
		assertThat(exits).singleElement()
			.satisfies((exit) -> assertThat(data(exit).get("exitCode").asInt()).isEqualTo(3));
		// The exit comes after the output and before the sandbox is shut down.
		assertThat(events.stream().map(ServerSentEvent::event).toList()).containsSubsequence(RunEvents.OUTPUT,
				RunEvents.EXIT, RunEvents.STATUS);
		assertThat(events.get(events.size() - 1).data()).contains("\"finished\"");
	}

	@Test
	void eventsStreamLiveWhileTheCommandRuns() {
		Map<String, Object> request = Map.of("command", "sh", "args",
				List.of("-c", "echo first; sleep 2; echo second"));

		RunView submitted = this.client.post()
			.uri("/runs?wait=false")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectHeader()
			.value("Location", (location) -> assertThat(location).startsWith("/runs/"))
			.expectBody(RunView.class)
			.returnResult()
			.getResponseBody();
		assertThat(submitted).isNotNull();
		assertThat(submitted.status().isFinal()).isFalse();

		ServerSentEvent<String> first = events(submitted.id())
			.filter((event) -> RunEvents.OUTPUT.equals(event.event()))
			.next()
			.block(Duration.ofSeconds(20));
		assertThat(first).isNotNull();
		assertThat(data(first).get("text").asString()).isEqualTo("first\n");
		// The first line arrived while the command still runs: it was not held back until the end.
		RunView meanwhile = get(submitted.id());
		assertThat(meanwhile.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(meanwhile.exitCode()).isNull();
		assertThat(meanwhile.stdout()).isEqualTo("first\n");

		// A subscriber that comes later sees the whole run, then the stream ends.
		List<String> outputs = events(submitted.id())
			.filter((event) -> RunEvents.OUTPUT.equals(event.event()))
			.map((event) -> data(event).get("text").asString())
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(outputs).containsExactly("first\n", "second\n");
		RunView finished = get(submitted.id());
		assertThat(finished.status()).isEqualTo(RunStatus.FINISHED);
		assertThat(finished.exitCode()).isZero();
		assertThat(finished.stdout()).isEqualTo("first\nsecond\n");
	}

	@Test
	void invalidRequestIsRejectedBeforeAnySandboxIsCreated() {
		int sandboxesBefore = this.sdk.sandboxes().list().size();

		this.client.post()
			.uri("/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("args", List.of("x")))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("command is required");
		this.client.post()
			.uri("/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("command", "cat", "files", Map.of("../escape.txt", "x")))
			.exchange()
			.expectStatus()
			.isBadRequest();

		assertThat(this.sdk.sandboxes().list()).hasSize(sandboxesBefore);
	}

	@Test
	void unknownRunIsNotFound() {
		this.client.get().uri("/runs/{id}", "no-such-run").exchange().expectStatus().isNotFound();
		this.client.get()
			.uri("/runs/{id}/events", "no-such-run")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	private Flux<ServerSentEvent<String>> events(String id) {
		return this.client.get()
			.uri("/runs/{id}/events", id)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(SSE)
			.getResponseBody();
	}

	private RunView get(String id) {
		RunView run = this.client.get()
			.uri("/runs/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(RunView.class)
			.returnResult()
			.getResponseBody();
		assertThat(run).isNotNull();
		return run;
	}

	private static JsonNode data(ServerSentEvent<String> event) {
		return json.readTree(event.data());
	}

}
