package ai.together.sandbox.execs;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.testing.FakeSandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static ai.together.sandbox.testing.AgentResponses.events;
import static ai.together.sandbox.testing.AgentResponses.output;
import static ai.together.sandbox.testing.AgentResponses.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Server-sent-event streams against a real HTTP server that writes in chunks, with pauses, and
 * watches its connections.
 */
class ExecStreamsTest {

	private static final String EXECS_JSON = "{\"execs\":[]}";

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox();

	@Test
	void deliversEventsSplitIntoDelayedChunksAsTheyArrive() {
		Sinks.One<Boolean> firstReceived = Sinks.one();
		String first = output(1, "stdout", "héllo wörld 🌍", null);
		// The second event's JSON is spread over three data lines, joined with \n by the reader.
		String second = "data: {\"type\":\"stderr\",\r\ndata: \"output\":\"two\",\r\ndata: \"sequence\":2}\r\n\r\n";
		String third = events(output(3, "stdout", "", 7));
		this.fake.connect((request, response) -> {
			String firstFrame = events(first);
			List<String> chunks = List.of(firstFrame.substring(0, 9), firstFrame.substring(9, 30),
					firstFrame.substring(30));
			Flux<String> body = Flux.fromIterable(chunks)
				.delayElements(Duration.ofMillis(20))
				// Send the rest only once the client has seen the first event: proof that events
				// are delivered as they arrive, not when the body is complete.
				.concatWith(firstReceived.asMono().thenMany(Flux.just(second.substring(0, 40), second.substring(40),
						third.substring(0, 5), third.substring(5))));
			return sse(response).sendString(body.delayElements(Duration.ofMillis(10)));
		});

		StepVerifier.create(this.fake.reactive().execs().streamOutput("exec-1"))
			.assertNext((message) -> {
				assertThat(message.output()).isEqualTo("héllo wörld 🌍");
				firstReceived.tryEmitValue(true);
			})
			.assertNext((message) -> assertThat(message).isEqualTo(
					new ExecOutput(ExecOutputType.STDERR, "two", 2, null, null)))
			.assertNext((message) -> assertThat(message.exitCode()).isEqualTo(7))
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs/exec-1/io");
	}

	@Test
	void malformedEventEndsTheStreamWithAClearErrorAndClosesTheConnection() throws InterruptedException {
		CountDownLatch connectionClosed = new CountDownLatch(1);
		this.fake.connect((request, response) -> {
			request.onConnectionClosed(connectionClosed::countDown);
			return sse(response).sendString(Flux.just(events(EXECS_JSON), "data: {\"execs\": [oops\n\n")
				.concatWith(Flux.never()));
		});

		try (StreamResponse<List<ExecItem>> stream = this.fake.sandbox().execs().streamList()) {
			Iterator<List<ExecItem>> iterator = stream.iterator();
			assertThat(iterator.next()).isEmpty();
			assertThatExceptionOfType(TogetherSandboxException.class).isThrownBy(iterator::hasNext)
				.withMessageStartingWith("execs.streamList: received a malformed event, the stream was closed: ")
				.withMessageNotContaining("tools.jackson");
			assertThat(iterator.hasNext()).isFalse();
		}
		assertThat(connectionClosed.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void malformedExecOutputIsNotRetried() {
		this.fake.connect((request, response) -> sse(response).sendString(Mono.just("data: not json\n\n")));

		StepVerifier.create(this.fake.reactive().execs().streamOutput("exec-1"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessageStartingWith("execs.streamOutput for id 'exec-1': received a malformed event"))
			.verify(Duration.ofSeconds(10));
		assertThat(this.fake.server().requests()).hasSize(1);
	}

	@Test
	void endsWhenTheServerClosesTheStream() {
		this.fake.connect((request, response) -> sse(response)
			.sendString(Flux.just(events(EXECS_JSON), ": bye\n", events(EXECS_JSON))
				.delayElements(Duration.ofMillis(5))));

		try (StreamResponse<List<ExecItem>> stream = this.fake.sandbox().execs().streamList()) {
			assertThat(stream.stream().count()).isEqualTo(2);
		}
		StepVerifier.create(this.fake.reactive().execs().streamList())
			.expectNextCount(2)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void cancellingAReactiveStreamClosesItsConnection() throws InterruptedException {
		CountDownLatch connectionClosed = new CountDownLatch(1);
		this.fake.connect((request, response) -> {
			request.onConnectionClosed(connectionClosed::countDown);
			return sse(response).sendString(Flux.just(events(EXECS_JSON)).concatWith(Flux.never()));
		});

		StepVerifier.create(this.fake.reactive().execs().streamList().take(1))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(connectionClosed.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void closingABlockingStreamFromAnotherThreadEndsTheIterationAndClosesTheConnection() throws Exception {
		CountDownLatch connectionClosed = new CountDownLatch(1);
		this.fake.connect((request, response) -> {
			request.onConnectionClosed(connectionClosed::countDown);
			return sse(response).sendString(Flux.just(events(EXECS_JSON)).concatWith(Flux.never()));
		});
		StreamResponse<List<ExecItem>> stream = this.fake.sandbox().execs().streamList();
		CountDownLatch firstSeen = new CountDownLatch(1);

		CompletableFuture<Integer> consumer = CompletableFuture.supplyAsync(() -> {
			int count = 0;
			for (List<ExecItem> ignored : stream) {
				count++;
				firstSeen.countDown();
			}
			return count;
		});
		assertThat(firstSeen.await(10, TimeUnit.SECONDS)).isTrue();
		stream.close();

		assertThat(consumer.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(connectionClosed.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(stream.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(stream::iterator);
	}

	@Test
	void closingTheSandboxEndsItsOpenStreamsAndClosesTheirConnections() throws InterruptedException {
		CountDownLatch connectionsClosed = new CountDownLatch(2);
		this.fake.connect((request, response) -> {
			request.onConnectionClosed(connectionsClosed::countDown);
			String first = request.path().contains("/io") ? events(output(1, "stdout", "x", null)) : events(EXECS_JSON);
			return sse(response).sendString(Flux.just(first).concatWith(Flux.never()));
		});
		StreamResponse<List<ExecItem>> list = this.fake.sandbox().execs().streamList();
		Iterator<List<ExecItem>> listIterator = list.iterator();
		List<ExecOutput> received = new CopyOnWriteArrayList<>();
		CountDownLatch outputSeen = new CountDownLatch(1);
		this.fake.reactive().execs().streamOutput("exec-1").doOnNext((message) -> {
			received.add(message);
			outputSeen.countDown();
		}).subscribe();
		assertThat(listIterator.next()).isEmpty();
		assertThat(outputSeen.await(10, TimeUnit.SECONDS)).isTrue();

		this.fake.sandbox().close();

		assertThat(listIterator.hasNext()).isFalse();
		assertThat(connectionsClosed.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(received).hasSize(1);
		// The resuming output stream did not reconnect after the close.
		assertThat(this.fake.server().requests()).hasSize(2);
		StepVerifier.create(this.fake.reactive().ports().streamList())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalStateException.class)
				.hasMessage("Sandbox 'abc123' is closed; its streams cannot be opened"))
			.verify();
	}

	@Test
	void aSlowConsumerHoldsTheServerBackInsteadOfBufferingTheWholeStream() {
		int total = 100_000;
		String padding = "x".repeat(1000);
		AtomicLong generated = new AtomicLong();
		this.fake.connect((request, response) -> sse(response).sendString(Flux.range(1, total).map((i) -> {
			generated.incrementAndGet();
			return events(output(i, "stdout", padding, null));
		})));

		try (StreamResponse<ExecOutput> output = this.fake.sandbox().execs().streamOutput("exec-1")) {
			Iterator<ExecOutput> iterator = output.iterator();
			assertThat(iterator.next().sequence()).isEqualTo(1);
			// Stop consuming: once socket and prefetch buffers are full the server must stall.
			AtomicLong lastSeen = new AtomicLong(-1);
			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(300))
				.until(() -> generated.get() == lastSeen.getAndSet(generated.get()));
			assertThat(generated.get()).as("messages the server could produce ahead of the consumer")
				.isLessThan(total / 2);
			// Consuming again resumes the flow.
			assertThat(iterator.next().sequence()).isEqualTo(2);
		}
	}

	@Test
	void deliversALongStreamCompletelyAndMeasuresThroughput() {
		int messages = 30_000;
		String text = "y".repeat(100);
		this.fake.connect((request, response) -> sse(response).sendString(Flux.range(1, messages)
			.map((i) -> events(output(i, "stdout", text, (i == messages) ? 0 : null)))));

		long started = System.nanoTime();
		long count;
		try (StreamResponse<ExecOutput> output = this.fake.sandbox().execs().streamOutput("exec-1")) {
			count = output.stream().count();
		}
		double seconds = (System.nanoTime() - started) / 1e9;

		assertThat(count).isEqualTo(messages);
		long bytes = (long) messages * events(output(1, "stdout", text, null)).length();
		System.out.printf("streamOutput throughput: %d messages, %.1f MB in %.2f s = %.0f messages/s, %.1f MB/s%n",
				messages, bytes / 1e6, seconds, messages / seconds, bytes / 1e6 / seconds);
	}

}
