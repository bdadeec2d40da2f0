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
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
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

	/**
	 * Every agent stream sends one event, then keep-alives forever; {@code slow001} is accepted and
	 * never answered (only the response timeout, 60 s, would end it); {@code busy001} is retried
	 * after the 30 s the server asks for.
	 */
	@RegisterExtension
	final FakeSandboxExtension fake = FakeSandboxExtension.create()
		.server((server) -> server.agentToken("shutdown-agent-token").agent(AgentResponses.endlessStreams()));

	@Test
	void closingTheClientEndsEveryCallAndStreamInFlightAndClosesEveryConnection() throws Exception {
		TogetherSandbox sdk = TogetherSandbox.builder().apiKey("shutdown-key").baseUrl(this.fake.server().baseUrl()).build();
		InFlight inFlight = startEverything(sdk);

		long started = System.nanoTime();
		sdk.close();

		inFlight.assertAllEndedWithin(WITHIN, started);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.fake.server().openConnections()).isZero());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN.plusMillis(500));
		assertLaterCallsFailAtOnce(sdk);
	}

	@Test
	void closingAClientOnAnApplicationConnectionPoolEndsItsCallsAndClosesTheirConnections() throws Exception {
		// The application's pool outlives the client; the client's calls must not.
		WebClient.Builder application = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create()));
		TogetherSandbox sdk = TogetherSandbox.builder()
			.apiKey("shutdown-key")
			.baseUrl(this.fake.server().baseUrl())
			.webClientBuilder(application)
			.build();
		InFlight inFlight = startEverything(sdk);

		long started = System.nanoTime();
		sdk.close();

		inFlight.assertAllEndedWithin(WITHIN, started);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.fake.server().inFlight()).isZero());
		assertLaterCallsFailAtOnce(sdk);
	}

	@Test
	void closingTheReactiveClientIsTheSame() throws Exception {
		ReactiveTogetherSandbox sdk = ReactiveTogetherSandbox.builder()
			.apiKey("shutdown-key")
			.baseUrl(this.fake.server().baseUrl())
			.build();
		ReactiveSandbox sandbox = sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID).block(Duration.ofSeconds(10));
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		List<Disposable> subscriptions = List.of(
				sandbox.execs().streamList().subscribe(null, errors::add),
				sdk.sandboxes().get("slow001").subscribe(null, errors::add));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fake.server().inFlight() == 2);

		sdk.close();

		await().atMost(WITHIN).untilAsserted(() -> assertThat(errors).hasSize(2));
		assertThat(errors).allSatisfy((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
			.hasMessageEndingWith(": the client was closed"));
		assertThat(subscriptions).allMatch(Disposable::isDisposed);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.fake.server().openConnections()).isZero());
	}

	@Test
	void aClientClosedBeforeItsFirstCallFailsItsCallsAtOnce() {
		// The transport is made on the first call: closing first must still close it.
		TogetherSandbox sdk = TogetherSandbox.builder().apiKey("shutdown-key").baseUrl(this.fake.server().baseUrl()).build();

		sdk.close();

		assertLaterCallsFailAtOnce(sdk);
		assertThat(this.fake.server().openConnections()).isZero();
	}

	/** Starts one of everything that can be in flight and waits until the server sees them all. */
	private InFlight startEverything(TogetherSandbox sdk) {
		Sandbox sandbox = sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID);
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
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fake.server().inFlight() == 5
				&& this.fake.server().requestLines().contains("GET /api/v1/sandboxes/busy001"));
		return inFlight;
	}

	private void assertLaterCallsFailAtOnce(TogetherSandbox sdk) {
		int requestsBefore = this.fake.server().requestLines().size();
		long started = System.nanoTime();
		Throwable error = catchThrowable(() -> sdk.sandboxes().get("abc123"));
		assertThat(error).isInstanceOf(TogetherSandboxException.class)
			.hasMessage("sandboxes.get for sandbox 'abc123': the client is closed");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
		assertThat(this.fake.server().requestLines()).hasSize(requestsBefore);
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
