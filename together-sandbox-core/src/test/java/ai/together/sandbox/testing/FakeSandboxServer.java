package ai.together.sandbox.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import static ai.together.sandbox.testing.AgentResponses.json;

/**
 * A management and agent API stand-in on 127.0.0.1 and a random port, for tests that need a real
 * HTTP server (streaming, dropped connections, counted connections). It plays the management API
 * for sandbox {@value #SANDBOX_ID}: start, wait and get, with the agent URL pointing back at this
 * server under {@link #AGENT_PREFIX} and the agent token of the builder. Every agent request, with
 * its body read, its raw URI kept and its query decoded, goes to the test's agent handler; every
 * other management request to the management handler (by default: an empty list of sandboxes,
 * {@value #NEVER_ANSWERED_ID} never answered, {@value #BUSY_ID} busy with {@code Retry-After: 30},
 * anything else 404).
 * <p>
 * The server runs on event loops of its own, disposed by {@link #close()}: a closing Spring
 * context disposes Reactor Netty's global ones. It counts the connections clients opened and still
 * hold, the responses still being sent, and records every request line and Authorization header.
 * Only the public API of the client is used here, so that any module's tests may use it.
 */
public final class FakeSandboxServer implements AutoCloseable {

	/** The sandbox the server starts. */
	public static final String SANDBOX_ID = "abc123";

	/** The agent token the start hands out by default (distinct from the API key). */
	public static final String AGENT_TOKEN = "agent-token-xyz";

	/** The path prefix of the agent URL, to check that it is kept. */
	public static final String AGENT_PREFIX = "/agent/" + SANDBOX_ID;

	/** A sandbox whose get the default management handler accepts and never answers. */
	public static final String NEVER_ANSWERED_ID = "slow001";

	/** A sandbox whose get the default management handler answers 503 with {@code Retry-After: 30}. */
	public static final String BUSY_ID = "busy001";

	private static final String SANDBOX_PATH = "/api/v1/sandboxes/" + SANDBOX_ID;

	/** Answers one request. */
	@FunctionalInterface
	public interface Handler {

		/**
		 * Answers a request.
		 * @param request the request
		 * @param response where to answer
		 * @return completion of the answer
		 */
		Publisher<Void> handle(Request request, HttpServerResponse response);

	}

	/**
	 * One request handed to a handler.
	 *
	 * @param method the method
	 * @param uri the raw URI (below the agent prefix for an agent request), query included
	 * @param path the raw path (below the agent prefix for an agent request)
	 * @param query the decoded query parameters
	 * @param authorization the Authorization header, or null
	 * @param contentType the Content-Type header, or null
	 * @param body the body
	 * @param raw the server request
	 */
	public record Request(String method, String uri, String path, Map<String, List<String>> query,
			String authorization, String contentType, byte[] body, HttpServerRequest raw) {

		/**
		 * The single value of a query parameter, or null.
		 * @param name the name
		 * @return the value
		 */
		public String param(String name) {
			List<String> values = this.query.get(name);
			return (values != null) ? values.get(0) : null;
		}

		/**
		 * Runs an action when this request's connection is closed.
		 * @param action the action
		 */
		public void onConnectionClosed(Runnable action) {
			this.raw.withConnection((connection) -> connection.onDispose(action::run));
		}

		/**
		 * Closes this request's connection (a transport failure, as the client sees it).
		 * @return completion, once the close was asked for
		 */
		public Mono<Void> closeConnection() {
			return Mono.fromRunnable(() -> this.raw.withConnection((connection) -> connection.channel().close()));
		}

	}

	private final LoopResources loops = LoopResources.create("fake-sandbox", 1, 2, true);

	private final String agentToken;

	private final Handler agent;

	private final Handler management;

	private final DisposableServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final List<String> requestLines = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final AtomicInteger connectionsOpened = new AtomicInteger();

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private FakeSandboxServer(Builder builder) {
		this.agentToken = builder.agentToken;
		this.agent = builder.agent;
		this.management = builder.management;
		try {
			this.server = HttpServer.create()
				.runOn(this.loops)
				.host("127.0.0.1")
				.port(0)
				.doOnConnection((connection) -> {
					this.connectionsOpened.incrementAndGet();
					this.openConnections.incrementAndGet();
					connection.onDispose(this.openConnections::decrementAndGet);
				})
				.handle(this::track)
				.bindNow(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			disposeLoops();
			throw ex;
		}
	}

	/**
	 * Starts a server with the default agent token and management handler.
	 * @param agent answers the agent requests
	 * @return the running server
	 */
	public static FakeSandboxServer start(Handler agent) {
		return builder().agent(agent).start();
	}

	/**
	 * A builder of a server.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The server's origin, {@code http://127.0.0.1:<port>}: the client's base URL.
	 * @return the origin
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/**
	 * The agent URL the start hands out.
	 * @return the agent URL
	 */
	public String agentUrl() {
		return baseUrl() + AGENT_PREFIX;
	}

	/**
	 * The agent token the start hands out.
	 * @return the token
	 */
	public String agentToken() {
		return this.agentToken;
	}

	/**
	 * The agent requests received so far.
	 * @return the requests
	 */
	public List<Request> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * The raw URIs (below the agent prefix) of the agent requests received so far.
	 * @return the URIs
	 */
	public List<String> uris() {
		return this.requests.stream().map(Request::uri).toList();
	}

	/**
	 * Every request received so far, management and agent, as {@code METHOD raw-uri}.
	 * @return the request lines
	 */
	public List<String> requestLines() {
		return List.copyOf(this.requestLines);
	}

	/**
	 * The Authorization header of every request received so far, in order ({@code "null"} for a
	 * request without one).
	 * @return the headers
	 */
	public List<String> authorizations() {
		return List.copyOf(this.authorizations);
	}

	/**
	 * How many TCP connections clients opened in all.
	 * @return the count
	 */
	public int connectionsOpened() {
		return this.connectionsOpened.get();
	}

	/**
	 * How many TCP connections are open now.
	 * @return the count
	 */
	public int openConnections() {
		return this.openConnections.get();
	}

	/**
	 * How many responses are still being sent on a connection the client has not closed.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	private Publisher<Void> track(HttpServerRequest request, HttpServerResponse response) {
		this.requestLines.add(request.method().name() + " " + request.uri());
		this.authorizations.add(String.valueOf(request.requestHeaders().get("Authorization")));
		AtomicBoolean finished = new AtomicBoolean();
		Runnable finish = () -> {
			if (finished.compareAndSet(false, true)) {
				this.inFlight.decrementAndGet();
			}
		};
		this.inFlight.incrementAndGet();
		// A response ends when it has been sent in full or when the client closes the connection;
		// a stream that never ends can only end the second way.
		request.withConnection((connection) -> connection.onDispose(finish::run));
		return Mono.from(route(request, response)).doFinally((signal) -> finish.run());
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
		String uri = request.uri();
		if (uri.equals(SANDBOX_PATH + "/start")) {
			return json(response, 200, SandboxJson.sandbox(SANDBOX_ID, "starting", null, null));
		}
		if (uri.equals(SANDBOX_PATH + "/wait") || uri.equals(SANDBOX_PATH)) {
			return json(response, 200, SandboxJson.sandbox(SANDBOX_ID, "running", agentUrl(), this.agentToken));
		}
		boolean agentRequest = uri.startsWith(AGENT_PREFIX + "/");
		String relative = agentRequest ? uri.substring(AGENT_PREFIX.length()) : uri;
		int question = relative.indexOf('?');
		String path = (question >= 0) ? relative.substring(0, question) : relative;
		Map<String, List<String>> query = parseQuery((question >= 0) ? relative.substring(question + 1) : "");
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			Request received = new Request(request.method().name(), relative, path, query,
					request.requestHeaders().get("Authorization"), request.requestHeaders().get("Content-Type"), body,
					request);
			if (!agentRequest) {
				return Mono.from(this.management.handle(received, response));
			}
			this.requests.add(received);
			return Mono.from(this.agent.handle(received, response));
		});
	}

	/**
	 * The default management handler: the list of sandboxes is empty, {@value #NEVER_ANSWERED_ID}
	 * is never answered, {@value #BUSY_ID} is busy, anything else is not found.
	 * @param request the request
	 * @param response the response
	 * @return completion
	 */
	public static Publisher<Void> defaultManagement(Request request, HttpServerResponse response) {
		String uri = request.uri();
		if (uri.equals("/api/v1/sandboxes")) {
			return json(response, 200, "[]");
		}
		if (uri.endsWith("/sandboxes/" + NEVER_ANSWERED_ID)) {
			// Accepted, never answered: only the response timeout (60 s by default) would end it.
			return Mono.never();
		}
		if (uri.endsWith("/sandboxes/" + BUSY_ID)) {
			return response.status(503).header("Retry-After", "30").send();
		}
		return AgentResponses.notFound(response);
	}

	private static Map<String, List<String>> parseQuery(String query) {
		Map<String, List<String>> result = new LinkedHashMap<>();
		if (query.isEmpty()) {
			return result;
		}
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
			String value = (equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "";
			result.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
		}
		return result;
	}

	@Override
	public void close() {
		try {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
		finally {
			disposeLoops();
		}
	}

	private void disposeLoops() {
		// The server is gone: no quiet period to wait for.
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
	}

	/** Configures a server. */
	public static final class Builder {

		private String agentToken = AGENT_TOKEN;

		private Handler agent = (request, response) -> AgentResponses.notFound(response);

		private Handler management = FakeSandboxServer::defaultManagement;

		private Builder() {
		}

		/**
		 * The agent token the start hands out (default {@link FakeSandboxServer#AGENT_TOKEN}).
		 * @param agentToken the token
		 * @return this builder
		 */
		public Builder agentToken(String agentToken) {
			this.agentToken = agentToken;
			return this;
		}

		/**
		 * Answers the agent requests (default: 404 for all).
		 * @param agent the handler
		 * @return this builder
		 */
		public Builder agent(Handler agent) {
			this.agent = agent;
			return this;
		}

		/**
		 * Answers the management requests other than the start, wait and get of
		 * {@link FakeSandboxServer#SANDBOX_ID} (default
		 * {@link FakeSandboxServer#defaultManagement}).
		 * @param management the handler
		 * @return this builder
		 */
		public Builder management(Handler management) {
			this.management = management;
			return this;
		}

		/**
		 * Starts the server.
		 * @return the running server
		 */
		public FakeSandboxServer start() {
			return new FakeSandboxServer(this);
		}

	}

}
