package ai.together.sandbox.sample.runs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.current.StatusReason;
import ai.together.sandbox.test.AutoConfigureTogetherSandboxEmulator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /runs} with {@code together.sandbox.api-generation=current} (the {@code current}
 * profile), against the embedded emulator: the run's sandbox is created running through
 * {@code client.current()} and terminated at the end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "spring.profiles.active=current" })
@AutoConfigureTogetherSandboxEmulator
class CurrentGenerationRunsTests {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private TogetherSandbox sdk;

	@Test
	void runsTheCommandInASandboxOfTheCurrentGenerationAndTerminatesIt() {
		WebTestClient client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
		RunView run = client.post()
			.uri("/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("command", "sh", "args", List.of("-c", "cat greeting.txt; exit 3"), "files",
					Map.of("greeting.txt", "hello\n")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(RunView.class)
			.returnResult()
			.getResponseBody();

		assertThat(run).isNotNull();
		assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
		assertThat(run.exitCode()).isEqualTo(3);
		assertThat(run.stdout()).isEqualTo("hello\n");
		assertThat(run.sandboxStatus()).isEqualTo("terminated");
		assertThat(this.sdk.current().sandboxes().get(run.sandboxId()).statusReason())
			.isEqualTo(StatusReason.TERMINATION_REQUESTED);

		List<String> statuses = client.get()
			.uri("/runs/{id}/events", run.id())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(SSE)
			.getResponseBody()
			.filter((event) -> RunEvents.STATUS.equals(event.event()))
			.map((event) -> json.readTree(event.data()).get("status").asString())
			.collectList()
			.block(Duration.ofSeconds(10));
		// Created running: no "starting".
		assertThat(statuses).containsExactly("creating", "writing", "running", "stopping", "finished");
	}

}
