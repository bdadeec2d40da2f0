package ai.together.sandbox.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sandbox connected to a fake management and agent API, for one test at a time: register it
 * with {@code @RegisterExtension} and ask it for {@link #sandbox()}, {@link #reactive()} or
 * {@link #connect(FakeSandboxServer.Handler)}. It starts a {@link FakeSandboxServer} (or, with
 * {@link #onWireMock}, stubs the start and wait on a WireMock server whose stubs play the agent),
 * builds a client pointed at it with the options of the test, and starts sandbox
 * {@value FakeSandboxServer#SANDBOX_ID} through the public API. After each test it closes the
 * sandboxes, the clients and the server; {@link #verifyNothingInFlightAfterEach()} first checks
 * that the client let go of every response.
 * <pre>{@code
 * @RegisterExtension
 * final FakeSandboxExtension fake = FakeSandboxExtension.create().client((b) -> b.streamIdleTimeout(IDLE));
 *
 * Sandbox sandbox = this.fake.connect((request, response) -> sse(response).sendString(Flux.just(events("{}"))));
 * assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs");
 * }</pre>
 * Nothing but the public API of the client is used.
 */
public final class FakeSandboxExtension implements AfterEachCallback {

	/** The API key of the clients by default. */
	public static final String API_KEY = "test-key";

	private final @Nullable WireMockExtension wireMock;

	private FakeSandboxServer.@Nullable Handler agent;

	private UnaryOperator<FakeSandboxServer.Builder> serverOptions = UnaryOperator.identity();

	private Function<String, TogetherSandbox.Builder> clientFactory = (baseUrl) -> TogetherSandbox.builder()
		.apiKey(API_KEY)
		.baseUrl(baseUrl);

	private UnaryOperator<TogetherSandbox.Builder> clientOptions = UnaryOperator.identity();

	private boolean verifyNothingInFlight;

	private @Nullable FakeSandboxServer server;

	private final List<Connection> connections = new ArrayList<>();

	private FakeSandboxExtension(@Nullable WireMockExtension wireMock) {
		this.wireMock = wireMock;
	}

	/**
	 * An extension whose server answers the agent requests with the handler of {@link #agent}, or
	 * with the one a test hands to {@link #connect(FakeSandboxServer.Handler)} or
	 * {@link #start(FakeSandboxServer.Handler)}.
	 * @return the extension
	 */
	public static FakeSandboxExtension create() {
		return new FakeSandboxExtension(null);
	}


	/**
	 * An extension that plays the management API on a WireMock server instead: it stubs the start
	 * and wait of {@value FakeSandboxServer#SANDBOX_ID} there, with the agent URL pointing at the
	 * same server under {@link FakeSandboxServer#AGENT_PREFIX}, where the test stubs the agent. The
	 * WireMock extension must be registered first (a static field), so that its reset runs before.
	 * @param wireMock the WireMock server
	 * @return the extension
	 */
	public static FakeSandboxExtension onWireMock(WireMockExtension wireMock) {
		return new FakeSandboxExtension(wireMock);
	}

	/**
	 * Answers the agent requests of every test with one handler.
	 * @param agent the handler
	 * @return this extension
	 */
	public FakeSandboxExtension agent(FakeSandboxServer.Handler agent) {
		this.agent = agent;
		return this;
	}

	/**
	 * The builder of each client, given the management origin (default: API key
	 * {@link #API_KEY} and the origin).
	 * @param clientFactory creates the builder
	 * @return this extension
	 */
	public FakeSandboxExtension clientFactory(Function<String, TogetherSandbox.Builder> clientFactory) {
		this.clientFactory = clientFactory;
		return this;
	}

	/**
	 * Options of every client of the tests (a retry configuration, timeouts, ...).
	 * @param options adjusts the builder
	 * @return this extension
	 */
	public FakeSandboxExtension client(UnaryOperator<TogetherSandbox.Builder> options) {
		UnaryOperator<TogetherSandbox.Builder> previous = this.clientOptions;
		this.clientOptions = (builder) -> options.apply(previous.apply(builder));
		return this;
	}

	/**
	 * Options of the server (agent token, management handler).
	 * @param options adjusts the builder
	 * @return this extension
	 */
	public FakeSandboxExtension server(UnaryOperator<FakeSandboxServer.Builder> options) {
		UnaryOperator<FakeSandboxServer.Builder> previous = this.serverOptions;
		this.serverOptions = (builder) -> options.apply(previous.apply(builder));
		return this;
	}

	/**
	 * After each test, before anything is closed, checks (within 2 seconds) that the server is
	 * sending no response any more: the client closed every connection it was done with.
	 * @return this extension
	 */
	public FakeSandboxExtension verifyNothingInFlightAfterEach() {
		this.verifyNothingInFlight = true;
		return this;
	}

	/**
	 * Starts this test's server with an agent handler.
	 * @param agent answers the agent requests
	 * @return the running server
	 */
	public FakeSandboxServer start(FakeSandboxServer.Handler agent) {
		if (this.server != null) {
			throw new IllegalStateException("the server of this test is already running");
		}
		this.agent = agent;
		return server();
	}

	/**
	 * This test's server, started on first use with the extension's handler.
	 * @return the running server
	 */
	public FakeSandboxServer server() {
		if (this.wireMock != null) {
			throw new IllegalStateException("the management API is played by WireMock");
		}
		if (this.server == null) {
			FakeSandboxServer.Builder builder = this.serverOptions.apply(FakeSandboxServer.builder());
			if (this.agent != null) {
				builder.agent(this.agent);
			}
			this.server = builder.start();
		}
		return this.server;
	}

	/**
	 * The management origin the clients use.
	 * @return the origin
	 */
	public String baseUrl() {
		return (this.wireMock != null) ? this.wireMock.baseUrl() : server().baseUrl();
	}

	/**
	 * Starts the server with an agent handler and connects a sandbox.
	 * @param agent answers the agent requests
	 * @return the connected sandbox, in the blocking style
	 */
	public Sandbox connect(FakeSandboxServer.Handler agent) {
		start(agent);
		return sandbox();
	}

	/**
	 * Starts the server with an agent handler and connects a sandbox with a client of more options.
	 * @param agent answers the agent requests
	 * @param options adjusts this client's builder, after the extension's options
	 * @return the connected sandbox, in the blocking style
	 */
	public Sandbox connect(FakeSandboxServer.Handler agent, UnaryOperator<TogetherSandbox.Builder> options) {
		start(agent);
		return connect(options).sandbox();
	}

	/**
	 * Connects a new client and sandbox (closed after the test, or by the connection's close).
	 * @param options adjusts this client's builder, after the extension's options
	 * @return the connection
	 */
	public Connection connect(UnaryOperator<TogetherSandbox.Builder> options) {
		String baseUrl = baseUrl();
		String agentToken = FakeSandboxServer.AGENT_TOKEN;
		if (this.wireMock != null) {
			stubStartAndWait(this.wireMock);
		}
		else {
			agentToken = server().agentToken();
		}
		TogetherSandbox sdk = options.apply(this.clientOptions.apply(this.clientFactory.apply(baseUrl))).build();
		try {
			Connection connection = new Connection(sdk, sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID),
					agentToken);
			this.connections.add(connection);
			return connection;
		}
		catch (RuntimeException ex) {
			sdk.close();
			throw ex;
		}
	}

	/**
	 * The test's connection: the first one, made with the extension's options on first use.
	 * @return the connection
	 */
	public Connection connection() {
		return this.connections.isEmpty() ? connect(UnaryOperator.identity()) : this.connections.get(0);
	}

	/**
	 * The test's sandbox in the blocking style (see {@link #connection()}).
	 * @return the sandbox
	 */
	public Sandbox sandbox() {
		return connection().sandbox();
	}

	/**
	 * The test's sandbox in the reactive style (see {@link #connection()}).
	 * @return the sandbox
	 */
	public ReactiveSandbox reactive() {
		return connection().reactive();
	}

	/**
	 * The test's client (see {@link #connection()}).
	 * @return the client
	 */
	public TogetherSandbox client() {
		return connection().client();
	}

	private static void stubStartAndWait(WireMockExtension wireMock) {
		String sandboxPath = "/api/v1/sandboxes/" + FakeSandboxServer.SANDBOX_ID;
		wireMock.stubFor(post(sandboxPath + "/start")
			.willReturn(okJson(SandboxJson.sandbox(FakeSandboxServer.SANDBOX_ID, "starting", null, null))));
		wireMock.stubFor(post(sandboxPath + "/wait").willReturn(okJson(SandboxJson.sandbox(FakeSandboxServer.SANDBOX_ID,
				"running", wireMock.baseUrl() + FakeSandboxServer.AGENT_PREFIX, FakeSandboxServer.AGENT_TOKEN))));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		FakeSandboxServer running = this.server;
		try {
			if (this.verifyNothingInFlight && running != null && context.getExecutionException().isEmpty()) {
				await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(running.inFlight()).isZero());
			}
		}
		finally {
			try {
				for (Connection connection : this.connections) {
					connection.close();
				}
			}
			finally {
				this.connections.clear();
				this.server = null;
				if (running != null) {
					running.close();
				}
			}
		}
	}

	/** A client and a sandbox connected through it; closing closes both. */
	public static final class Connection implements AutoCloseable {

		private final TogetherSandbox client;

		private final Sandbox sandbox;

		private final String agentToken;

		private boolean closed;

		private Connection(TogetherSandbox client, Sandbox sandbox, String agentToken) {
			this.client = client;
			this.sandbox = sandbox;
			this.agentToken = agentToken;
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
		public TogetherSandbox client() {
			return this.client;
		}

		/**
		 * The agent token the sandbox was started with.
		 * @return the token
		 */
		public String agentToken() {
			return this.agentToken;
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			try {
				this.sandbox.close();
			}
			finally {
				this.client.close();
			}
		}

	}

}
