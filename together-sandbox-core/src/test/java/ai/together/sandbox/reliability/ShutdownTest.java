package ai.together.sandbox.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Closing the client ends everything it has in flight within 2 seconds: open streams of every
 * kind, a blocking consumer waiting for the next element, a call waiting for a response that never
 * comes, and a call waiting between two attempts. Each fails with an exception saying the client
 * was closed, the server sees every connection closed, and later calls fail at once without
 * sending anything.
 */
class ShutdownTest {

	private static final Duration WITHIN = Duration.ofSeconds(2);

	private static final String EXECS_JSON = "{\"execs\":[]}";

	private ScriptedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void startServer() {
		this.server = ScriptedServer.start("shutdown-agent-token", (request, response) -> {
			String uri = request.uri();
			if (uri.contains("/stream/execs/") && uri.contains("/io")) {
				return ScriptedServer.endlessStream(response,
						"{\"type\":\"stdout\",\"output\":\"x\",\"sequence\":1,\"timestamp\":\"2026-05-12T10:00:00Z\"}");
			}
			if (uri.contains("/stream/directories/watcher")) {
				return ScriptedServer.endlessStream(response, "{\"type\":\"connected\"}");
			}
			if (uri.contains("/stream/ports")) {
				return ScriptedServer.endlessStream(response, "{\"ports\":[]}");
			}
			if (uri.contains("/stream/execs")) {
				return ScriptedServer.endlessStream(response, EXECS_JSON);
			}
			if (uri.endsWith("/sandboxes/slow001")) {
				// Accepted, never answered: only the response timeout (60 s) would end it.
				return Mono.never();
			}
			if (uri.endsWith("/sandboxes/busy001")) {
				// Retried after the 30 s the server asks for.
				return response.status(503).header("Retry-After", "30").send();
			}
			return ScriptedServer.json(response, 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}");
		});
	}

	@Test
	void closingTheClientEndsEveryCallAndStreamInFlightAndClosesEveryConnection() throws Exception {
		startServer();
		TogetherSandbox sdk = TogetherSandbox.builder().apiKey("shutdown-key").baseUrl(this.server.baseUrl()).build();
		InFlight inFlight = startEverything(sdk);

		long started = System.nanoTime();
		sdk.close();

		inFlight.assertAllEndedWithin(WITHIN, started);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.server.openConnections()).isZero());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN.plusMillis(500));
		assertLaterCallsFailAtOnce(sdk);
	}

	@Test
	void closingAClientOnAnApplicationConnectionPoolEndsItsCallsAndClosesTheirConnections() throws Exception {
		startServer();
		// The application's pool outlives the client; the client's calls must not.
		WebClient.Builder application = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create()));
		TogetherSandbox sdk = TogetherSandbox.builder()
			.apiKey("shutdown-key")
			.baseUrl(this.server.baseUrl())
			.webClientBuilder(application)
			.build();
		InFlight inFlight = startEverything(sdk);

		long started = System.nanoTime();
		sdk.close();

		inFlight.assertAllEndedWithin(WITHIN, started);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.server.inFlight()).isZero());
		assertLaterCallsFailAtOnce(sdk);
	}

	@Test
	void closingTheReactiveClientIsTheSame() throws Exception {
		startServer();
		ReactiveTogetherSandbox sdk = ReactiveTogetherSandbox.builder()
			.apiKey("shutdown-key")
			.baseUrl(this.server.baseUrl())
			.build();
		ReactiveSandbox sandbox = sdk.sandboxes().start(ScriptedServer.SANDBOX_ID).block(Duration.ofSeconds(10));
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		List<Disposable> subscriptions = List.of(
				sandbox.execs().streamList().subscribe(null, errors::add),
				sdk.sandboxes().get("slow001").subscribe(null, errors::add));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.inFlight() == 2);

		sdk.close();

		await().atMost(WITHIN).untilAsserted(() -> assertThat(errors).hasSize(2));
		assertThat(errors).allSatisfy((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
			.hasMessageEndingWith(": the client was closed"));
		assertThat(subscriptions).allMatch(Disposable::isDisposed);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.server.openConnections()).isZero());
	}

	/** Starts one of everything that can be in flight and waits until the server sees them all. */
	private InFlight startEverything(TogetherSandbox sdk) {
		Sandbox sandbox = sdk.sandboxes().start(ScriptedServer.SANDBOX_ID);
		ReactiveSandbox reactive = sandbox.reactive();
		InFlight inFlight = new InFlight();
		inFlight.subscribe(reactive.execs().streamOutput("exec-1"));
		inFlight.subscribe(reactive.files().watch("/src"));
		inFlight.subscribe(reactive.ports().streamList());
		inFlight.subscribe(sdk.reactive().sandboxes().get("busy001"));
		StreamResponse<List<ExecItem>> list = sandbox.execs().streamList();
		inFlight.block(() -> {
			int count = 0;
			for (List<ExecItem> ignored : list) {
				count++;
			}
			return "iteration ended after " + count;
		});
		inFlight.block(() -> sdk.sandboxes().get("slow001").id());
		// Five requests held open, plus the one retried after its 503.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.inFlight() == 5
				&& this.server.requests().contains("GET /api/v1/sandboxes/busy001"));
		return inFlight;
	}

	private void assertLaterCallsFailAtOnce(TogetherSandbox sdk) {
		int requestsBefore = this.server.requests().size();
		long started = System.nanoTime();
		Throwable error = catchThrowable(() -> sdk.sandboxes().get("abc123"));
		assertThat(error).isInstanceOf(TogetherSandboxException.class)
			.hasMessage("sandboxes.get for sandbox 'abc123': the client is closed");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
		assertThat(this.server.requests()).hasSize(requestsBefore);
	}

	/** What a test has in flight: reactive subscriptions and blocking calls on other threads. */
	private static final class InFlight {

		private final List<Throwable> errors = new CopyOnWriteArrayList<>();

		private final List<Disposable> subscriptions = new ArrayList<>();

		private final List<CompletableFuture<Object>> blocking = new ArrayList<>();

		void subscribe(org.reactivestreams.Publisher<?> publisher) {
			this.subscriptions.add(reactor.core.publisher.Flux.from(publisher).subscribe(null, this.errors::add));
		}

		void block(java.util.function.Supplier<Object> call) {
			this.blocking.add(CompletableFuture.supplyAsync(call));
		}

		void assertAllEndedWithin(Duration within, long startedNanos) throws Exception {
			await().atMost(within).untilAsserted(() -> assertThat(this.errors).hasSize(this.subscriptions.size()));
			assertThat(this.errors).allSatisfy((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessageEndingWith(": the client was closed"));
			for (CompletableFuture<Object> call : this.blocking) {
				long left = within.toNanos() - (System.nanoTime() - startedNanos);
				// Each blocking call throws (a timeout here means it is still blocked).
				Throwable failure = catchThrowable(() -> call.get(Math.max(left, 0), TimeUnit.NANOSECONDS));
				assertThat(failure).isInstanceOf(ExecutionException.class)
					.hasCauseInstanceOf(TogetherSandboxException.class);
				assertThat(failure.getCause()).hasMessageEndingWith(": the client was closed");
			}
		}

	}

}
