package ai.together.sandbox.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer.Handler;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static ai.together.sandbox.testing.AgentResponses.events;
import static ai.together.sandbox.testing.AgentResponses.output;
import static ai.together.sandbox.testing.AgentResponses.sse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-sent-event streams when the server misbehaves: it closes in the middle of an event,
 * sends garbage, or stalls forever (the idle timeout), and when the client cancels. No stream
 * hangs, every connection is closed on the server's side, and exec output keeps its resume rules
 * (every message exactly once). {@code ExecStreamsTest} and {@code ExecResumeTest} cover the
 * well-behaved cases and clean reconnects.
 */
class StreamFaultsTest {

	private static final Duration IDLE = Duration.ofMillis(400);

	private static final String EXECS_JSON = "{\"execs\":[]}";

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox()
		.client((builder) -> builder.streamIdleTimeout(IDLE))
		.verifyNothingInFlightAfterEach();

	private ReactiveSandbox connect(Handler handler) {
		return this.fake.connect(handler).reactive();
	}

	private ReactiveSandbox connect(Handler handler, UnaryOperator<TogetherSandbox.Builder> customizer) {
		return this.fake.connect(handler, customizer).reactive();
	}

	/**
	 * Nothing is left streaming on the server: every connection cut short was closed. (The server
	 * counts responses still being sent on a connection the client has not closed; a stream that
	 * never ends can only end when its connection closes.)
	 */
	private void assertEveryAgentConnectionClosed() {
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.fake.server().inFlight()).isZero());
	}

	@Test
	void aConnectionCutInTheMiddleOfAnEventFailsAListStreamWithStatusZero() {
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString(Flux.just(events(EXECS_JSON), "data: {\"execs\":[{\"id\":\"e1\",\"comm"))
			.then()
			.then(request.closeConnection()));

		StepVerifier.create(sandbox.execs().streamList())
			.expectNextCount(1)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
				assertThat(http.status()).isZero();
				assertThat(http.getMessage()).startsWith("execs.streamList: ");
			}))
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	@Test
	void aBodyEndingInTheMiddleOfAnEventDiscardsItAndCompletesAListStreamAsAServerCloseDoes() {
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString(Flux.just(events(EXECS_JSON), "data: {\"execs\":[{\"id\":\"e1\",\"comm")));

		StepVerifier.create(sandbox.execs().streamList())
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	@Test
	void aWatchEndingInTheMiddleOfAnEventDiscardsItAndCompletes() {
		ReactiveSandbox sandbox = connect((request, response) -> sse(response).sendString(Flux.just(
				events("{\"paths\":[],\"type\":\"connected\",\"timestamp\":\"2026-05-12T10:00:00Z\"}"),
				"data: {\"paths\":[\"/src/a\"],\"type\":\"change\"")));

		StepVerifier.create(sandbox.files().watch("/src"))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	/**
	 * A clean end of the body (no reset) in the middle of the third event: inside its data line,
	 * or after its data line but before its blank line. Either way the unterminated event is
	 * discarded and the stream resumes after the second.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void execOutputEndingCleanlyInTheMiddleOfAnEventResumesFromTheLastSequence(boolean dataLineComplete) {
		String third = events(message(3));
		String tail = dataLineComplete ? third.substring(0, third.length() - 1)
				: "data: {\"type\":\"stdout\",\"output\":\"thr";
		AtomicInteger connection = new AtomicInteger();
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString((connection.incrementAndGet() == 1) ? Flux.just(events(message(1)), events(message(2)), tail)
					: Flux.range(3, 4).map((sequence) -> events(message(sequence)))));

		assertResumesAfterTheSecondMessage(sandbox);
	}

	@Test
	void execOutputCutInTheMiddleOfAnEventResumesWithoutDuplicatesOrGaps() {
		AtomicInteger connection = new AtomicInteger();
		ReactiveSandbox sandbox = connect((request, response) -> {
			if (connection.incrementAndGet() == 1) {
				String third = events(message(3));
				return sse(response).sendString(Flux.just(events(message(1)), events(message(2)),
						third.substring(0, third.length() / 2)))
					.then()
					.then(request.closeConnection());
			}
			return sse(response).sendString(Flux.range(3, 4).map((sequence) -> events(message(sequence))));
		});

		assertResumesAfterTheSecondMessage(sandbox);
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5 })
	void garbageNeverHangsAStreamAndItsConnectionIsClosed(long seed) {
		byte[] garbage = new byte[4096];
		new Random(seed).nextBytes(garbage);
		// A Flux (not a Mono, which Reactor Netty would send as a complete response): the body
		// stays open after the garbage.
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.send(Flux.just(Unpooled.wrappedBuffer(garbage)).concatWith(Flux.never())));

		// Garbage either decodes to no event at all (then the stream goes idle) or to a malformed
		// one: either way it ends with a clear error, never with a hang or a half-parsed value.
		StepVerifier.create(sandbox.execs().streamList())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessageStartingWith("execs.streamList: "))
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	@Test
	void aStalledListStreamFailsAfterTheIdleTimeoutAndClosesItsConnection() {
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString(Flux.just(events(EXECS_JSON)).concatWith(Flux.never())));

		long started = System.nanoTime();
		StepVerifier.create(sandbox.ports().streamList().map(List::size))
			.expectNext(0)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
				assertThat(http.status()).isZero();
				assertThat(http.getCause()).isInstanceOf(TimeoutException.class);
				assertThat(http.getMessage()).isEqualTo("ports.streamList: TimeoutException: no data received for "
						+ IDLE.toMillis() + "ms (stream idle timeout); the stream was closed");
			}))
			.verify(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(IDLE, IDLE.plusSeconds(3));
		assertEveryAgentConnectionClosed();
	}

	@Test
	void aServerThatNeverAnswersAStreamRequestTimesOutToo() {
		ReactiveSandbox sandbox = connect((request, response) -> Mono.never());

		StepVerifier.create(sandbox.files().watch("/src"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
				assertThat(http.status()).isZero();
				assertThat(http.getMessage()).startsWith("files.watch for path '/src': TimeoutException: ");
			}))
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	@Test
	void keepAliveCommentsKeepAQuietStreamOpenLongerThanTheIdleTimeout() {
		// Five idle timeouts of silence, broken only by comments, then the events.
		Flux<String> keepAlives = Flux.interval(IDLE.dividedBy(4)).take(20).map((tick) -> ": keep-alive\n\n");
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString(keepAlives.concatWith(Flux.just(events(EXECS_JSON), events(EXECS_JSON)))));

		StepVerifier.create(sandbox.execs().streamList())
			.expectNextCount(2)
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		assertThat(this.fake.server().requests()).hasSize(1);
	}

	@Test
	void aQuietExecIsNeverGivenUpOnItsIdleOutputStreamReconnectsAndResumes() {
		// More idle reconnects in a row than the limit of reconnects that bring nothing new: they
		// must not count against it.
		int quietConnections = 5;
		AtomicInteger connection = new AtomicInteger();
		ReactiveSandbox sandbox = connect((request, response) -> {
			int number = connection.incrementAndGet();
			if (number == 1) {
				return sse(response).sendString(Flux.just(events(message(1))).concatWith(Flux.never()));
			}
			if (number <= quietConnections) {
				return sse(response).sendString(Flux.never());
			}
			return sse(response).sendString(Flux.range(2, 5).map((sequence) -> events(message(sequence))));
		});

		StepVerifier.create(sandbox.execs().streamOutput("exec-1").map(ExecOutput::sequence))
			.expectNext(1, 2, 3, 4, 5, 6)
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		assertThat(this.fake.server().uris()).hasSize(quietConnections + 1)
			.first()
			.isEqualTo("/api/v1/stream/execs/exec-1/io");
		assertThat(this.fake.server().uris().subList(1, quietConnections + 1))
			.containsOnly("/api/v1/stream/execs/exec-1/io?lastSequence=1");
		assertEveryAgentConnectionClosed();
	}

	@Test
	void execRunSurvivesIdleReconnectsAndReturnsTheWholeOutput() {
		AtomicInteger connection = new AtomicInteger();
		ReactiveSandbox sandbox = connect((request, response) -> {
			if (request.path().equals("/api/v1/execs")) {
				return AgentResponses.json(response, 201, "{\"id\":\"exec-1\",\"command\":\"sleep\",\"args\":[],"
						+ "\"status\":\"RUNNING\",\"pid\":7,\"interactive\":false,\"pty\":false}");
			}
			return (connection.incrementAndGet() < 3) ? sse(response).sendString(Flux.never())
					: sse(response).sendString(Flux.just(events(output(1, "stdout", "done", null)),
							events(output(2, "stdout", "", 0))));
		});

		StepVerifier.create(sandbox.execs().run(ai.together.sandbox.execs.ExecRequest.of("sleep", "1")))
			.assertNext((result) -> {
				assertThat(result.exitCode()).isZero();
				assertThat(result.stdout()).isEqualTo("done");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		assertThat(connection).hasValue(3);
	}

	@Test
	void cancellingEveryKindOfStreamClosesItsConnection() throws InterruptedException {
		CountDownLatch opened = new CountDownLatch(4);
		ReactiveSandbox sandbox = connect((request, response) -> {
			opened.countDown();
			String first = request.path().contains("/io") ? events(message(1))
					: request.path().contains("watcher") ? events("{\"type\":\"connected\"}") : events(EXECS_JSON);
			// Keep-alives every so often, as the emulator sends them: the idle timeout never fires.
			return sse(response).sendString(Flux.just(first)
				.concatWith(Flux.interval(IDLE.dividedBy(4)).map((tick) -> ": keep-alive\n\n")));
		});
		List<Function<ReactiveSandbox, Flux<?>>> streams = List.of((s) -> s.execs().streamList(),
				(s) -> s.execs().streamOutput("exec-1"), (s) -> s.ports().streamList(), (s) -> s.files().watch("/"));
		for (Function<ReactiveSandbox, Flux<?>> stream : streams) {
			StepVerifier.create(stream.apply(sandbox).take(1))
				.expectNextCount(1)
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
		assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
		assertEveryAgentConnectionClosed();
	}

	@Test
	void beyondMaxConnectionsAStreamFailsClearlyWithinTheConnectTimeout() {
		// Each open stream holds a connection: with all of them busy, the next one waits for a
		// free connection no longer than the connect timeout, then fails naming the cause.
		Duration connectTimeout = Duration.ofMillis(300);
		ReactiveSandbox sandbox = connect((request, response) -> sse(response)
			.sendString(Flux.just(events(EXECS_JSON))
				.concatWith(Flux.interval(IDLE.dividedBy(4)).map((tick) -> ": \n\n"))),
				(builder) -> builder.maxConnections(3).connectTimeout(connectTimeout));
		List<reactor.core.Disposable> open = new java.util.ArrayList<>();
		CountDownLatch firstEvents = new CountDownLatch(3);
		for (int i = 0; i < 3; i++) {
			open.add(sandbox.execs().streamList().subscribe((list) -> firstEvents.countDown()));
		}
		try {
			assertThat(awaitLatch(firstEvents)).isTrue();
			long started = System.nanoTime();
			StepVerifier.create(sandbox.ports().streamList())
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
					assertThat(http.status()).isZero();
					assertThat(http.getMessage()).startsWith("ports.streamList: PoolAcquireTimeoutException: ")
						.contains("300ms");
				}))
				.verify(Duration.ofSeconds(10));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(connectTimeout, Duration.ofSeconds(3));
		}
		finally {
			open.forEach(reactor.core.Disposable::dispose);
		}
		// Closing streams frees their connections for the next ones.
		StepVerifier.create(sandbox.ports().streamList().take(1))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertEveryAgentConnectionClosed();
	}

	private static boolean awaitLatch(CountDownLatch latch) {
		try {
			return latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Every message 1 to 6 exactly once, over two connections, the second resuming after 2. */
	private void assertResumesAfterTheSecondMessage(ReactiveSandbox sandbox) {
		StepVerifier.create(sandbox.execs().streamOutput("exec-1").map(ExecOutput::sequence))
			.expectNext(1, 2, 3, 4, 5, 6)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		assertThat(this.fake.server().uris()).containsExactly("/api/v1/stream/execs/exec-1/io",
				"/api/v1/stream/execs/exec-1/io?lastSequence=2");
		assertEveryAgentConnectionClosed();
	}

	/** Messages 1 to 6 of an exec, the sixth carrying exit code 0. */
	private static String message(int sequence) {
		return output(sequence, "stdout", "line " + sequence + "\n", (sequence == 6) ? 0 : null);
	}

}
