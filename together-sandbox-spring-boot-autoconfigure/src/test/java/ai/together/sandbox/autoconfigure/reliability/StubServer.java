package ai.together.sandbox.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.autoconfigure.TestSandboxes;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A management and agent API stand-in on 127.0.0.1 and a random port, on event loops of its own
 * (a closing Spring context disposes Reactor Netty's global ones): sandbox {@value #SANDBOX_ID}
 * starts with its agent URL pointing back here; agent streams send one event and then a
 * keep-alive comment every 100 ms forever (or nothing at all, when stalled); {@code slow001} is
 * never answered. It counts the responses still being sent and the Authorization headers it saw.
 */
final class StubServer implements AutoCloseable {

	static final String SANDBOX_ID = "abc123";

	private final LoopResources loops = LoopResources.create("stub-server", 1, 2, true);

	private final DisposableServer server;

	private final String agentToken;

	private final boolean stallStreams;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	StubServer(String agentToken, boolean stallStreams) {
		this.agentToken = agentToken;
		this.stallStreams = stallStreams;
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.handle(this::track)
			.bindNow(Duration.ofSeconds(10));
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	int inFlight() {
		return this.inFlight.get();
	}

	List<String> authorizations() {
		return List.copyOf(this.authorizations);
	}

	private Publisher<Void> track(HttpServerRequest request, HttpServerResponse response) {
		this.authorizations.add(String.valueOf(request.requestHeaders().get("Authorization")));
		AtomicBoolean finished = new AtomicBoolean();
		Runnable finish = () -> {
			if (finished.compareAndSet(false, true)) {
				this.inFlight.decrementAndGet();
			}
		};
		this.inFlight.incrementAndGet();
		request.withConnection((connection) -> connection.onDispose(finish::run));
		return Mono.from(answer(request, response)).doFinally((signal) -> finish.run());
	}

	private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		String uri = request.uri();
		String sandboxPath = "/api/v1/sandboxes/" + SANDBOX_ID;
		if (uri.equals(sandboxPath + "/start")) {
			return json(response, TestSandboxes.sandbox(SANDBOX_ID, "starting", null, null));
		}
		if (uri.equals(sandboxPath + "/wait") || uri.equals(sandboxPath)) {
			return json(response, TestSandboxes.sandbox(SANDBOX_ID, "running", baseUrl() + "/agent/" + SANDBOX_ID,
					this.agentToken));
		}
		if (uri.equals("/api/v1/sandboxes")) {
			return json(response, "[]");
		}
		if (uri.endsWith("/sandboxes/slow001")) {
			return Mono.never();
		}
		if (uri.contains("/stream/")) {
			String first = uri.contains("/io")
					? "{\"type\":\"stdout\",\"output\":\"x\",\"sequence\":1,\"timestamp\":\"2026-05-12T10:00:00Z\"}"
					: uri.contains("ports") ? "{\"ports\":[]}" : "{\"execs\":[]}";
			Flux<String> rest = this.stallStreams ? Flux.never()
					: Flux.interval(Duration.ofMillis(100)).map((tick) -> ": keep-alive\n\n");
			return response.status(200)
				.header("Content-Type", "text/event-stream")
				.sendString(Flux.just("data: " + first + "\n\n").concatWith(rest));
		}
		if (uri.endsWith("/api/v1/ports")) {
			return json(response, "{\"ports\":[]}");
		}
		return response.status(404)
			.header("Content-Type", "application/json")
			.sendString(Mono.just("{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}"))
			.then();
	}

	private static Mono<Void> json(HttpServerResponse response, String body) {
		return response.status(200)
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8)))
			.then();
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

}
