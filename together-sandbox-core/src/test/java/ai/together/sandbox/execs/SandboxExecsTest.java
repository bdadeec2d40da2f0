package ai.together.sandbox.execs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.SandboxExecs;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SandboxExecsTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	private static final String AGENT = FakeSandboxServer.AGENT_PREFIX;

	private static final String EXEC_JSON = "{\"id\":\"exec-1\",\"command\":\"npm\",\"args\":[\"install\"],"
			+ "\"status\":\"RUNNING\",\"pid\":42,\"interactive\":false,\"pty\":false,\"exitCode\":null,"
			+ "\"uid\":1000,\"gid\":1000}";

	private static final ExecItem EXEC = new ExecItem("exec-1", "npm", List.of("install"), ExecStatus.of("RUNNING"), 42,
			false, false, null, 1000L, 1000L);

	private SandboxExecs execs;

	@BeforeEach
	void connect() {
		this.execs = this.fake.sandbox().execs();
	}

	@Test
	void listReturnsTheExecs() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/execs")).willReturn(okJson("{\"execs\":[" + EXEC_JSON + "]}")));

		List<ExecItem> list = this.execs.list();

		assertThat(list).containsExactly(EXEC);
		assertThat(list.get(0).status().isRunning()).isTrue();
		assertThat(list.get(0).status().value()).isEqualTo("RUNNING");
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/execs"))));
	}

	@Test
	void createSendsOnlyTheFieldsThatAreSet() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs")).willReturn(
				aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(EXEC_JSON)));

		assertThat(this.execs.create(ExecRequest.of("echo", "hi"))).isEqualTo(EXEC);
		this.execs.create(ExecRequest.builder("npm")
			.args("install")
			.autorun(false)
			.interactive(true)
			.pty(true)
			.cwd("/workspace")
			.env(Map.of("NODE_ENV", "production"))
			.uid(0L)
			.gid(4294967295L)
			.build());
		this.execs.create(ExecRequest.builder("ls").build());

		server.verify(agent(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs")))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"command\":\"echo\",\"args\":[\"hi\"]}")));
		server.verify(agent(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs")))
			.withRequestBody(equalToJson("{\"command\":\"npm\",\"args\":[\"install\"],\"autorun\":false,"
					+ "\"interactive\":true,\"pty\":true,\"cwd\":\"/workspace\",\"env\":{\"NODE_ENV\":\"production\"},"
					+ "\"uid\":0,\"gid\":4294967295}")));
		server.verify(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs"))
			.withRequestBody(equalToJson("{\"command\":\"ls\",\"args\":[]}")));
	}

	@Test
	void getEncodesTheIdAsOneSegment() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/execs/exec%2F1%20x")).willReturn(okJson(EXEC_JSON)));

		assertThat(this.execs.get("exec/1 x")).isEqualTo(EXEC);
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec%2F1%20x"))));
	}

	@Test
	void resumePutsStatusRunning() {
		server.stubFor(put(urlEqualTo(AGENT + "/api/v1/execs/exec-1")).willReturn(okJson(EXEC_JSON)));

		assertThat(this.execs.resume("exec-1")).isEqualTo(EXEC);
		server.verify(agent(putRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1")))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"status\":\"running\"}")));
	}

	@Test
	void deleteSendsDelete() {
		server.stubFor(delete(urlEqualTo(AGENT + "/api/v1/execs/exec-1"))
			.willReturn(okJson("{\"message\":\"deleted\"}")));

		this.execs.delete("exec-1");

		server.verify(agent(deleteRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1"))));
	}

	@Test
	void getOutputReturnsTheMessagesAfterLastSequence() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io")).willReturn(okJson("["
				+ AgentResponses.output(1, "stdout", "hello\n", null) + ","
				+ AgentResponses.output(2, "stderr", "oops\n", 3) + "]")));
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io?lastSequence=1"))
			.willReturn(okJson("[" + AgentResponses.output(2, "stderr", "oops\n", 3) + "]")));

		assertThat(this.execs.getOutput("exec-1")).containsExactly(
				new ExecOutput(ExecOutputType.STDOUT, "hello\n", 1, Instant.parse("2026-05-12T10:00:00Z"), null),
				new ExecOutput(ExecOutputType.STDERR, "oops\n", 2, Instant.parse("2026-05-12T10:00:00Z"), 3));
		assertThat(this.execs.getOutput("exec-1", 1)).singleElement().satisfies((output) -> {
			assertThat(output.isExit()).isTrue();
			assertThat(output.exitCode()).isEqualTo(3);
		});
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io"))));
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io?lastSequence=1"))));
	}

	@Test
	void sendStdinAndResizePostToTheExecsIo() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io")).willReturn(okJson(EXEC_JSON)));

		assertThat(this.execs.sendStdin("exec-1", "yes\n")).isEqualTo(EXEC);
		assertThat(this.execs.resize("exec-1", 80, 24)).isEqualTo(EXEC);

		server.verify(agent(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io")))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"type\":\"stdin\",\"input\":\"yes\\n\"}")));
		server.verify(agent(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1/io")))
			.withRequestBody(equalToJson("{\"type\":\"resize\",\"input\":\"80x24\"}")));
	}

	@Test
	void streamOutputSendsTheIdRawWithLastSequenceAndEndsAfterTheExitMessage() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/execs/exec-1/io?lastSequence=2"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody(AgentResponses.events(AgentResponses.output(3, "stdout", "a", null),
						AgentResponses.output(4, "stdout", "", 0),
						AgentResponses.output(5, "stdout", "late", null)))));

		try (StreamResponse<ExecOutput> output = this.execs.streamOutput("exec-1", 2)) {
			assertThat(output.stream().map(ExecOutput::sequence)).containsExactly(3, 4);
		}
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/stream/execs/exec-1/io?lastSequence=2"))));
	}

	@Test
	void streamOutputFailsWithHttpExceptionForAnUnknownExec() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/execs/nope/io")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":404,\"message\":\"exec not found\"}")));

		StepVerifier.create(this.fake.reactive().execs().streamOutput("nope"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(HttpException.class)
				.hasMessage("Failed to execs.streamOutput for id 'nope': exec not found (code: 404)"))
			.verify();
		server.verify(1, getRequestedFor(urlEqualTo(AGENT + "/api/v1/stream/execs/nope/io")));
	}

	@Test
	void streamListDeliversEachSnapshot() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/execs"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("data:\n\n" + AgentResponses.events("{\"execs\":[]}", "{\"execs\":[" + EXEC_JSON + "]}"))));

		try (StreamResponse<List<ExecItem>> stream = this.execs.streamList()) {
			assertThat(stream.stream()).containsExactly(List.of(), List.of(EXEC));
		}
		server.verify(agent(getRequestedFor(urlEqualTo(AGENT + "/api/v1/stream/execs"))));
	}

	@Test
	void errorsNameTheOperationAndTheId() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/execs/gone")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":404,\"message\":\"exec not found\"}")));
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":400,\"message\":\"bad command\"}")));

		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.execs.get("gone"))
			.withMessage("Failed to execs.get for id 'gone': exec not found (code: 404)");
		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.execs.create(ExecRequest.of("x")))
			.withMessage("Failed to execs.create: bad command (code: 400)");
	}

	@Test
	void rejectsBadArgumentsBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.execs.get(" ")).withMessageContaining("id");
		assertThatIllegalArgumentException().isThrownBy(() -> this.execs.resize("exec-1", 0, 24))
			.withMessageContaining("cols");
		assertThatIllegalArgumentException().isThrownBy(() -> this.execs.sendStdin("exec-1", null))
			.withMessageContaining("data");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("ls").uid(-1L).build())
			.withMessageContaining("uid");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.builder("ls").env("A=B", "x").build())
			.withMessageContaining("env name");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecRequest.of(""))
			.withMessageContaining("command");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.execs.run(ExecRequest.builder("ls").autorun(false).build()))
			.withMessageContaining("autorun");
		server.verify(0, RequestPatternBuilder.allRequests().withUrl(AGENT + "/api/v1/execs"));
	}

	@Test
	void execRequestToStringHidesEnvironmentValues() {
		ExecRequest request = ExecRequest.builder("deploy").env("TOKEN", "s3cr3t").build();

		assertThat(request.toString()).contains("TOKEN").doesNotContain("s3cr3t");
		assertThat(request.toBuilder().build()).isEqualTo(request);
	}

	@Test
	void execStatusComparesCaseInsensitively() {
		assertThat(ExecStatus.of("RUNNING")).isEqualTo(ExecStatus.RUNNING).hasSameHashCodeAs(ExecStatus.RUNNING);
		assertThat(ExecStatus.of("Finished").isKnown()).isTrue();
		assertThat(ExecStatus.of("paused").isKnown()).isFalse();
		assertThat(ExecStatus.of("stopped")).isNotEqualTo(ExecStatus.RUNNING);
	}

	private static RequestPatternBuilder agent(RequestPatternBuilder pattern) {
		return pattern.withHeader("Authorization", equalTo("Bearer " + FakeSandboxServer.AGENT_TOKEN));
	}

}
