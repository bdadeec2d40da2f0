package ai.together.sandbox.files;

import java.util.function.UnaryOperator;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.sandboxes.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * Test fixture shared by the files, execs and ports tests: a client and a sandbox connected to a
 * test agent, both closed by {@link #close()}. Retries of the client never really sleep.
 */
public final class ConnectedSandbox implements AutoCloseable {

	/** The sandbox id. */
	public static final String SANDBOX_ID = "abc123";

	/** The agent token the start hands out (distinct from {@link TestClients#API_KEY}). */
	public static final String AGENT_TOKEN = "agent-token-xyz";

	/** The path prefix of the agent URL, to check that it is kept. */
	public static final String AGENT_PREFIX = "/agent/" + SANDBOX_ID;

	private final TogetherSandbox sdk;

	private final Sandbox sandbox;

	private final RecordingSleeper sleeper;

	private ConnectedSandbox(TogetherSandbox sdk, Sandbox sandbox, RecordingSleeper sleeper) {
		this.sdk = sdk;
		this.sandbox = sandbox;
		this.sleeper = sleeper;
	}

	/**
	 * Stubs start and wait on a WireMock server, with the agent URL pointing at the same server
	 * under {@link #AGENT_PREFIX}, and connects.
	 * @param server the server
	 * @return the connected sandbox
	 */
	public static ConnectedSandbox connect(WireMockExtension server) {
		return connect(server, UnaryOperator.identity());
	}

	/**
	 * Like {@link #connect(WireMockExtension)} with a customised client.
	 * @param server the server
	 * @param customizer adjusts the client builder
	 * @return the connected sandbox
	 */
	public static ConnectedSandbox connect(WireMockExtension server,
			UnaryOperator<TogetherSandbox.Builder> customizer) {
		String sandboxPath = "/api/v1/sandboxes/" + SANDBOX_ID;
		server.stubFor(post(sandboxPath + "/start")
			.willReturn(okJson(SandboxJson.sandbox(SANDBOX_ID, "starting", null, null))));
		server.stubFor(post(sandboxPath + "/wait").willReturn(
				okJson(SandboxJson.sandbox(SANDBOX_ID, "running", server.baseUrl() + AGENT_PREFIX, AGENT_TOKEN))));
		return connect(server.baseUrl(), customizer);
	}

	/**
	 * Connects through a management API that serves start and wait itself.
	 * @param baseUrl the management origin
	 * @param customizer adjusts the client builder
	 * @return the connected sandbox
	 */
	public static ConnectedSandbox connect(String baseUrl, UnaryOperator<TogetherSandbox.Builder> customizer) {
		RecordingSleeper sleeper = new RecordingSleeper();
		TogetherSandbox sdk = customizer.apply(TestClients.builder(baseUrl, sleeper)).build();
		try {
			return new ConnectedSandbox(sdk, sdk.sandboxes().start(SANDBOX_ID), sleeper);
		}
		catch (RuntimeException ex) {
			sdk.close();
			throw ex;
		}
	}

	/**
	 * The sandbox in the blocking style.
	 * @return the sandbox
	 */
	public Sandbox sandbox() {
		return this.sandbox;
	}

	/**
	 * The sandbox in the reactive style.
	 * @return the sandbox
	 */
	public ReactiveSandbox reactive() {
		return this.sandbox.reactive();
	}

	/**
	 * The client.
	 * @return the client
	 */
	public ReactiveTogetherSandbox client() {
		return this.sdk.reactive();
	}

	/**
	 * The retry sleeps the client asked for.
	 * @return the sleeper
	 */
	public RecordingSleeper sleeper() {
		return this.sleeper;
	}

	@Override
	public void close() {
		try {
			this.sandbox.close();
		}
		finally {
			this.sdk.close();
		}
	}

}
