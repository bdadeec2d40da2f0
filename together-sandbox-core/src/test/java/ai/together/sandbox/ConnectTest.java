package ai.together.sandbox;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxJson;
import ai.together.sandbox.sandboxes.SandboxStatus;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code sandboxes().connect(...)}: reattaching to a running sandbox is one GET of the sandbox
 * (or no I/O at all from a {@link SandboxInfo}), never a start; a sandbox that is not running,
 * or has no agent details, fails clearly.
 */
class ConnectTest {

	private static final String SANDBOX = "/api/v1/sandboxes/abc123";

	private static final String FILE = "/agent/abc123/api/v1/files/%2Fa.txt";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private TogetherSandbox sdk;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build();
		server.stubFor(get(FILE).willReturn(okJson("{\"path\":\"/a.txt\",\"content\":\"hi\",\"encoding\":\"utf-8\"}")));
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void connectByIdGetsTheSandboxOnceAndTalksToItsAgentWithoutStartingIt() {
		stubSandbox("running", agentUrl(), "agent-token");
		try (Sandbox sandbox = this.sdk.sandboxes().connect("abc123")) {
			assertThat(sandbox.id()).isEqualTo("abc123");
			assertThat(sandbox.vmInfo().status()).isEqualTo(SandboxStatus.RUNNING);
			assertThat(sandbox.files().read("/a.txt")).isEqualTo("hi");
		}
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX))
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY)));
		server.verify(0, postRequestedFor(urlMatching(".*")));
		server.verify(1, getRequestedFor(urlEqualTo(FILE)).withHeader("Authorization", equalTo("Bearer agent-token")));
	}

	@Test
	void reactiveConnectByIdSendsNothingBeforeSubscription() {
		stubSandbox("running", agentUrl(), "agent-token");
		Mono<ReactiveSandbox> connect = this.sdk.reactive().sandboxes().connect("abc123");
		server.verify(0, anyRequestedFor(anyUrl()));
		StepVerifier.create(connect.flatMap((sandbox) -> sandbox.files().read("/a.txt").doFinally((signal) -> sandbox.close())))
			.expectNext("hi")
			.verifyComplete();
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX)));
	}

	@Test
	void connectFromInfoNeedsNoRequest() {
		stubSandbox("running", agentUrl(), "agent-token");
		SandboxInfo info = this.sdk.sandboxes().get("abc123");
		server.resetRequests();
		ReactiveSandbox reactive = this.sdk.reactive().sandboxes().connect(info);
		try (Sandbox sandbox = this.sdk.sandboxes().connect(info)) {
			server.verify(0, anyRequestedFor(anyUrl()));
			assertThat(sandbox.vmInfo()).isSameAs(info);
			assertThat(reactive.vmInfo()).isSameAs(info);
			assertThat(sandbox.files().read("/a.txt")).isEqualTo("hi");
		}
		finally {
			reactive.close();
		}
	}

	@Test
	void connectToASandboxThatIsNotRunningFailsNamingItAndSayingToStartIt() {
		stubSandbox("stopped", null, null);
		SandboxLifecycleException error = catchThrowableOfType(SandboxLifecycleException.class,
				() -> this.sdk.sandboxes().connect("abc123"));
		assertThat(error).hasMessage("Cannot connect to sandbox 'abc123': its status is stopped, not running; "
				+ "start it with sandboxes().start('abc123')");
		assertThat(error.sandboxId()).isEqualTo("abc123");
		assertThat(error.finalStatus()).isEqualTo("stopped");
		server.verify(0, postRequestedFor(urlMatching(".*")));

		SandboxInfo stopped = this.sdk.sandboxes().get("abc123");
		assertThat(catchThrowable(() -> this.sdk.reactive().sandboxes().connect(stopped)))
			.isInstanceOf(SandboxLifecycleException.class)
			.hasMessageContaining("'abc123'")
			.hasMessageContaining("start it");
	}

	@Test
	void connectToARunningSandboxWithoutAgentDetailsFailsClearly() {
		stubSandbox("running", agentUrl(), null);
		SandboxLifecycleException error = catchThrowableOfType(SandboxLifecycleException.class,
				() -> this.sdk.sandboxes().connect("abc123"));
		assertThat(error).hasMessage("Sandbox 'abc123' has no agent connection details; "
				+ "start it with sandboxes().start('abc123')");
		assertThat(error.finalStatus()).isEqualTo("running");
	}

	@Test
	void connectToAnUnknownSandboxFailsWithTheHttpError() {
		server.stubFor(get(SANDBOX).willReturn(notFound()));
		HttpException error = catchThrowableOfType(HttpException.class, () -> this.sdk.sandboxes().connect("abc123"));
		assertThat(error.status()).isEqualTo(404);
		assertThat(error.operation()).isEqualTo("sandboxes.get");
	}

	private static String agentUrl() {
		return server.baseUrl() + "/agent/abc123";
	}

	private static void stubSandbox(String status, @Nullable String agentUrl, @Nullable String agentToken) {
		server.stubFor(get(SANDBOX).willReturn(okJson(SandboxJson.sandbox("abc123", status, agentUrl, agentToken))));
	}

}
