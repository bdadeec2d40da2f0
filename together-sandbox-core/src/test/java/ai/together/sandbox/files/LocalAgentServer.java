package ai.together.sandbox.files;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.sandboxes.SandboxJson;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A small HTTP server on 127.0.0.1 and a random port for tests that need real streaming: it
 * answers the management API's start and wait for {@link ConnectedSandbox#SANDBOX_ID} (agent URL =
 * this server + {@link ConnectedSandbox#AGENT_PREFIX}) and hands every agent request, with its
 * body read and its raw URI recorded, to the test's handler.
 */
public final class LocalAgentServer implements AutoCloseable {

	/** Answers one agent request. */
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
	 * One agent request.
	 *
	 * @param method the method
	 * @param uri the raw URI below the agent prefix, query included
	 * @param path the raw path below the agent prefix
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

	}

	private final DisposableServer server;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private LocalAgentServer(Handler handler) {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> this.connections.incrementAndGet())
			.handle((request, response) -> route(request, response, handler))
			.bindNow(Duration.ofSeconds(10));
	}

	/**
	 * Starts a server.
	 * @param handler answers the agent requests
	 * @return the running server
	 */
	public static LocalAgentServer start(Handler handler) {
		return new LocalAgentServer(handler);
	}

	/**
	 * The server's origin, {@code http://127.0.0.1:<port>}.
	 * @return the origin
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
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
	 * How many TCP connections clients opened.
	 * @return the count
	 */
	public int connections() {
		return this.connections.get();
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response, Handler handler) {
		String uri = request.uri();
		String sandboxPath = "/api/v1/sandboxes/" + ConnectedSandbox.SANDBOX_ID;
		if (uri.equals(sandboxPath + "/start")) {
			return json(response, 200, SandboxJson.sandbox(ConnectedSandbox.SANDBOX_ID, "starting", null, null));
		}
		if (uri.equals(sandboxPath + "/wait")) {
			return json(response, 200, SandboxJson.sandbox(ConnectedSandbox.SANDBOX_ID, "running",
					baseUrl() + ConnectedSandbox.AGENT_PREFIX, ConnectedSandbox.AGENT_TOKEN));
		}
		if (!uri.startsWith(ConnectedSandbox.AGENT_PREFIX + "/")) {
			return json(response, 404, "{\"code\":404,\"message\":\"no route for " + uri + "\"}");
		}
		String agentUri = uri.substring(ConnectedSandbox.AGENT_PREFIX.length());
		int question = agentUri.indexOf('?');
		String path = (question >= 0) ? agentUri.substring(0, question) : agentUri;
		Map<String, List<String>> query = parseQuery((question >= 0) ? agentUri.substring(question + 1) : "");
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			Request recorded = new Request(request.method().name(), agentUri, path, query,
					request.requestHeaders().get("Authorization"), request.requestHeaders().get("Content-Type"), body,
					request);
			this.requests.add(recorded);
			return Mono.from(handler.handle(recorded, response));
		});
	}

	/**
	 * Sends a JSON answer.
	 * @param response the response
	 * @param status the status
	 * @param json the body
	 * @return completion
	 */
	public static Publisher<Void> json(HttpServerResponse response, int status, String json) {
		return json(response, status, json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Sends a JSON answer.
	 * @param response the response
	 * @param status the status
	 * @param json the UTF-8 body
	 * @return completion
	 */
	public static Publisher<Void> json(HttpServerResponse response, int status, byte[] json) {
		return response.status(HttpResponseStatus.valueOf(status))
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(json))
			.then();
	}

	/**
	 * Prepares a server-sent-events answer (status 200, {@code text/event-stream}).
	 * @param response the response
	 * @return the response
	 */
	public static HttpServerResponse sse(HttpServerResponse response) {
		return response.status(200).header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache");
	}

	/**
	 * Frames JSON payloads as server-sent events.
	 * @param payloads the payloads
	 * @return the frames
	 */
	public static String events(String... payloads) {
		StringBuilder out = new StringBuilder();
		for (String payload : payloads) {
			out.append("data: ").append(payload).append("\n\n");
		}
		return out.toString();
	}

	/**
	 * An exec output message.
	 * @param sequence the sequence number
	 * @param type stdout or stderr
	 * @param output the text
	 * @param exitCode the exit code, or null
	 * @return the JSON
	 */
	public static String output(int sequence, String type, String output, Integer exitCode) {
		return "{\"type\":\"" + type + "\",\"output\":\"" + output.replace("\n", "\\n") + "\",\"sequence\":"
				+ sequence + ",\"timestamp\":\"2026-05-12T10:00:00Z\""
				+ ((exitCode != null) ? ",\"exitCode\":" + exitCode : "") + "}";
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
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
