package ai.together.sandbox.current;

import java.util.List;

import ai.together.sandbox.ReactiveRunningSandbox;
import ai.together.sandbox.RunningSandbox;
import ai.together.sandbox.SandboxExecs;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecStatus;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static ai.together.sandbox.current.CurrentWire.SANDBOX_ID;
import static ai.together.sandbox.current.CurrentWire.json;
import static ai.together.sandbox.current.CurrentWire.sandbox;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent calls that differ between the generations, on a sandbox of each: the exec body
 * (autostart/autorun, user/uid/gid, interactive), the exec start (POST .../start or PUT), its
 * statuses, and the operation names of the shared namespaces.
 */
class CurrentAgentDialectTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension seed = TestClients.fakeSandbox(server);

	static final String AGENT = "/agent/" + SANDBOX_ID;

	static final String EXEC_JSON = "{\"id\":\"exec-1\",\"command\":\"sleep\",\"args\":[\"5\"],\"status\":\"RUNNING\","
			+ "\"pid\":42,\"pty\":false,\"exitCode\":-1,\"user\":\"1000:1000\"}";

	TogetherSandbox sdk;

	RunningSandbox sandbox;

	@BeforeEach
	void connect() {
		this.sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build();
		server.stubFor(post("/v1/sandboxes")
			.willReturn(json(201, sandbox(SANDBOX_ID, "running", "cold_started", server.baseUrl() + AGENT))));
		this.sandbox = this.sdk.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("my-app@v1").build());
		server.resetRequests();
	}

	@AfterEach
	void close() {
		this.sandbox.close();
		this.sdk.close();
	}

	@Test
	void createSendsAutostartAndUser() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs")).willReturn(json(201, EXEC_JSON)));
		SandboxExecs execs = this.sandbox.execs();

		ExecItem item = execs.create(ExecRequest.builder("sleep").args("5").autorun(false).user("node:node").build());
		execs.create(ExecRequest.builder("id").uid(1000L).gid(1000L).build());
		execs.create(ExecRequest.builder("id").gid(50L).pty(true).cwd("/workspace").env("A", "b").build());
		execs.create(ExecRequest.of("ls"));

		assertThat(item.user()).isEqualTo("1000:1000");
		assertThat(item.interactive()).isFalse();
		assertThat(item.exitCode()).isEqualTo(-1);
		List<LoggedRequest> creates = server.findAll(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs")));
		assertThat(creates).extracting(LoggedRequest::getBodyAsString)
			.containsExactly("{\"command\":\"sleep\",\"args\":[\"5\"],\"autostart\":false,\"user\":\"node:node\"}",
					"{\"command\":\"id\",\"args\":[],\"user\":\"1000:1000\"}",
					"{\"command\":\"id\",\"args\":[],\"pty\":true,\"cwd\":\"/workspace\",\"env\":{\"A\":\"b\"},\"user\":\":50\"}",
					"{\"command\":\"ls\",\"args\":[]}");
		assertThat(creates).allSatisfy((request) -> {
			assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + CurrentWire.AGENT_TOKEN);
			assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
		});
	}

	@Test
	void interactiveIsRejectedBeforeAnythingIsSent() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.sandbox.execs().create(ExecRequest.builder("sh").interactive(true).build()))
			.withMessageStartingWith("interactive is not part of the current agent API");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.sandbox.reactive().execs().run(ExecRequest.builder("sh").interactive(false).build()));
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void startPostsAnEmptyObjectAndReportsConflictsOnceExited() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs/exec-1/start")).willReturn(okJson(EXEC_JSON)));
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/execs/exec%2F2/start"))
			.willReturn(json(409, "{\"code\":409,\"message\":\"exec is EXITED, only CREATED execs can be started\"}")));

		ExecItem started = this.sandbox.execs().start("exec-1");
		ExecItem again = this.sandbox.execs().resume("exec-1");

		assertThat(started.status()).isEqualTo(ExecStatus.of("RUNNING"));
		assertThat(again).isEqualTo(started);
		List<LoggedRequest> starts = server.findAll(postRequestedFor(urlEqualTo(AGENT + "/api/v1/execs/exec-1/start")));
		assertThat(starts).hasSize(2).allSatisfy((request) -> {
			assertThat(request.getBodyAsString()).isEqualTo("{}");
			assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
		});
		ReactiveRunningSandbox reactive = this.sandbox.reactive();
		StepVerifier.create(reactive.execs().start("exec/2"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(409);
				assertThat(ex.operation()).isEqualTo("sandbox.execs.start");
				assertThat(ex.getMessage()).contains("only CREATED execs can be started");
			}))
			.verify();
	}

	@Test
	void sharedNamespacesCarryTheSandboxPrefix() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fmissing.txt"))
			.willReturn(json(404, "{\"code\":404,\"message\":\"no such file\"}")));

		assertThatThrownBy(() -> this.sandbox.files().read("/missing.txt"))
			.isInstanceOfSatisfying(HttpException.class, (ex) -> assertThat(ex.operation()).isEqualTo("sandbox.files.read"));
	}

	@Test
	void seedSandboxesKeepPutAndRejectUser() {
		String seedAgent = FakeSandboxServer.AGENT_PREFIX;
		server.stubFor(put(urlEqualTo(seedAgent + "/api/v1/execs/exec-1")).willReturn(okJson(EXEC_JSON)));
		SandboxExecs seedExecs = this.seed.sandbox().execs();

		assertThat(seedExecs.start("exec-1").id()).isEqualTo("exec-1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> seedExecs.create(ExecRequest.builder("id").user("node").build()))
			.withMessageStartingWith("user is not part of this sandbox's agent API");

		server.verify(putRequestedFor(urlEqualTo(seedAgent + "/api/v1/execs/exec-1"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"status\":\"running\"}")));
		assertThat(server.findAll(postRequestedFor(urlEqualTo(seedAgent + "/api/v1/execs")))).isEmpty();
	}

}
