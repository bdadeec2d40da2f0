package ai.together.sandbox.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import ai.together.sandbox.sandboxes.SandboxJson;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A Reactor Netty server on 127.0.0.1 and a random port that serves the start and wait of
 * sandbox {@value #SANDBOX_ID} (its agent URL points back at this server) and hands every other
 * request to the test's handler. It counts open connections and the responses still being sent,
 * so that a test can assert that the client let go of everything.
 */
final class ScriptedServer implements AutoCloseable {

	static final String SANDBOX_ID = "abc123";

	static final String AGENT_PREFIX = "/agent/" + SANDBOX_ID;

	private final DisposableServer server;

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private ScriptedServer(String agentToken,
			BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> {
				this.openConnections.incrementAndGet();
				connection.onDispose(this.openConnections::decrementAndGet);
			})
			.handle((request, response) -> track(request, response, agentToken, handler))
			.bindNow(Duration.ofSeconds(10));
	}

	/**
	 * Starts a server.
	 * @param agentToken the agent token its wait hands out
	 * @param handler answers everything but start and wait
	 * @return the running server
	 */
	static ScriptedServer start(String agentToken,
			BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		return new ScriptedServer(agentToken, handler);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	int openConnections() {
		return this.openConnections.get();
	}

	int inFlight() {
		return this.inFlight.get();
	}

	List<String> requests() {
		return List.copyOf(this.requests);
	}

	/** The distinct Authorization headers received so far. */
	List<String> authorizations() {
		return this.authorizations.stream().distinct().toList();
	}

	private Publisher<Void> track(HttpServerRequest request, HttpServerResponse response, String agentToken,
			BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		this.requests.add(request.method().name() + " " + request.uri());
		this.authorizations.add(String.valueOf(request.requestHeaders().get("Authorization")));
		AtomicBoolean finished = new AtomicBoolean();
		Runnable finish = () -> {
			if (finished.compareAndSet(false, true)) {
				this.inFlight.decrementAndGet();
			}
		};
		this.inFlight.incrementAndGet();
		// A response ends when it has been sent in full or when the client closes the connection.
		request.withConnection((connection) -> connection.onDispose(finish::run));
		return Mono.from(route(request, response, agentToken, handler)).doFinally((signal) -> finish.run());
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response, String agentToken,
			BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		String sandboxPath = "/api/v1/sandboxes/" + SANDBOX_ID;
		if (request.uri().equals(sandboxPath + "/start")) {
			return json(response, 200, SandboxJson.sandbox(SANDBOX_ID, "starting", null, null));
		}
		if (request.uri().equals(sandboxPath + "/wait")) {
			return json(response, 200,
					SandboxJson.sandbox(SANDBOX_ID, "running", baseUrl() + AGENT_PREFIX, agentToken));
		}
		return handler.apply(request, response);
	}

	static Mono<Void> json(HttpServerResponse response, int status, String body) {
		return response.status(HttpResponseStatus.valueOf(status))
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8)))
			.then();
	}

	/** A stream that sends one event, then a keep-alive comment every 100 ms, forever. */
	static Publisher<Void> endlessStream(HttpServerResponse response, String firstEventJson) {
		return response.status(200)
			.header("Content-Type", "text/event-stream")
			.sendString(Flux.just("data: " + firstEventJson + "\n\n")
				.concatWith(Flux.interval(Duration.ofMillis(100)).map((tick) -> ": keep-alive\n\n")));
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
