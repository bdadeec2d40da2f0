package ai.together.sandbox.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.testing.SandboxJson;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 calls through one client against a server that misbehaves on one attempt in five
 * (resets, 500s, garbled and truncated bodies, chosen by a seeded random generator so that the
 * outcome of every call is known in advance). Afterwards every call has its expected outcome
 * (nothing lost, nothing duplicated), no request is left in flight, closing the client closes
 * every connection, and Netty's leak detector, at {@code PARANOID} for the whole run, reports no
 * buffer that was never released.
 */
class ConnectionLeakTest {

	private static final int CALLS = 10_000;

	private static final int CONCURRENCY = 64;

	private static final long SEED = 20_260_512L;

	private static final int MAX_ATTEMPTS = 3;

	/** What the server does with one attempt. */
	enum Outcome {

		/** A complete, valid answer. */
		OK,
		/** The connection is reset before any response: retried. */
		RESET,
		/** A 500 with an error body: retried. */
		SERVER_ERROR,
		/** A 200 whose body is not JSON: not retried, an HttpException with status 200. */
		GARBLED,
		/** Headers promise more body than is sent before the connection closes: retried. */
		TRUNCATED;

		/** One attempt in five misbehaves, a quarter of those in each way. */
		static Outcome of(int call, int attempt) {
			// SplittableRandom mixes its seed: neighbouring seeds give independent rolls.
			int roll = new SplittableRandom(SEED + call * 4L + attempt).nextInt(20);
			return switch (roll) {
				case 0 -> RESET;
				case 1 -> SERVER_ERROR;
				case 2 -> GARBLED;
				case 3 -> TRUNCATED;
				default -> OK;
			};
		}

	}

	private ResourceLeakDetector.Level previousLevel;

	private ListAppender<ILoggingEvent> leaks;

	private Logger leakLogger;

	private MisbehavingServer server;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Map<String, AtomicInteger> attemptsByPath = new ConcurrentHashMap<>();

	@BeforeEach
	void paranoidLeakDetection() {
		this.previousLevel = ResourceLeakDetector.getLevel();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		this.leakLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
		this.leaks = new ListAppender<>();
		this.leaks.start();
		this.leakLogger.addAppender(this.leaks);
	}

	@AfterEach
	void restoreLeakDetection() throws IOException {
		if (this.server != null) {
			this.server.close();
		}
		this.leakLogger.detachAppender(this.leaks);
		ResourceLeakDetector.setLevel(this.previousLevel);
	}

	@Test
	void tenThousandCallsWithOneFaultyAttemptInFiveLeakNothing() throws IOException {
		assertLeakDetectorReportsAnObviousLeak();
		this.server = MisbehavingServer.start(this::answer);
		ReactiveTogetherSandbox sdk = ReactiveTogetherSandbox.builder()
			.apiKey("leak-test-key")
			.baseUrl(this.server.baseUrl())
			.responseTimeout(Duration.ofSeconds(20))
			.retry(RetryConfig.builder()
				.maxAttempts(MAX_ATTEMPTS)
				.initialDelay(Duration.ofMillis(1))
				.jitter(Duration.ZERO)
				.maxDelay(Duration.ofMillis(5))
				.build())
			.build();

		Map<Integer, String> outcomes = new ConcurrentHashMap<>();
		long started = System.nanoTime();
		try {
			Flux.range(0, CALLS)
				.flatMap((call) -> sdk.sandboxes()
					.get(sandboxId(call))
					.map((info) -> "ok")
					.onErrorResume(HttpException.class, (error) -> Mono.just("HTTP " + error.status()))
					.doOnNext((outcome) -> outcomes.put(call, outcome)), CONCURRENCY)
				.blockLast(Duration.ofSeconds(120));
			double seconds = (System.nanoTime() - started) / 1e9;

			assertThat(outcomes).as("every call ended exactly once").hasSize(CALLS);
			Map<Integer, String> expected = expectedOutcomes();
			assertThat(outcomes).as("every call ended as the seeded faults say it must").isEqualTo(expected);
			assertThat(this.inFlight).as("requests still being answered").hasValue(0);
			// Idle in the pool, about one per concurrent call (a release racing an acquire may add one).
			assertThat(this.server.open()).as("connections kept by the pool").isLessThanOrEqualTo(2 * CONCURRENCY);
			Map<String, Long> summary = new HashMap<>();
			outcomes.values().forEach((outcome) -> summary.merge(outcome, 1L, Long::sum));
			int attempts = this.attemptsByPath.values().stream().mapToInt(AtomicInteger::get).sum();
			System.out.printf("leak test: %d calls, %d attempts on %d connections, outcomes %s in %.1f s%n", CALLS,
					attempts, this.server.accepted(), summary, seconds);
		}
		finally {
			sdk.close();
		}
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.server.open()).as("connections open after close").isZero());
		assertThat(reportedLeaks()).as("leaks reported by Netty's detector").isEmpty();
	}

	private void answer(MisbehavingServer.Connection connection) throws IOException {
		String path = connection.path();
		int call = Integer.parseInt(path.substring(path.length() - 5));
		int attempt = this.attemptsByPath.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
		this.inFlight.incrementAndGet();
		try {
			switch (Outcome.of(call, attempt)) {
				case OK -> connection.respondKeepAlive(200, "application/json",
						SandboxJson.sandbox(sandboxId(call), "running", null, null).getBytes(StandardCharsets.UTF_8));
				case SERVER_ERROR -> connection.respondKeepAlive(500, "application/json",
						"{\"code\":\"INTERNAL\",\"message\":\"injected\",\"errors\":[]}".getBytes(StandardCharsets.UTF_8));
				case GARBLED -> connection.respondKeepAlive(200, "application/json",
						"{\"id\": <html>garbled".getBytes(StandardCharsets.UTF_8));
				case RESET -> connection.reset();
				case TRUNCATED -> {
					connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
							+ "{\"id\":\"abc");
					connection.close();
				}
			}
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	private static String sandboxId(int call) {
		return "c" + String.format("%05d", call);
	}

	/** What each call must end with, derived from the same seeded faults as the server's. */
	private static Map<Integer, String> expectedOutcomes() {
		Map<Integer, String> expected = new HashMap<>();
		for (int call = 0; call < CALLS; call++) {
			String outcome = null;
			for (int attempt = 1; outcome == null; attempt++) {
				boolean last = attempt == MAX_ATTEMPTS;
				outcome = switch (Outcome.of(call, attempt)) {
					case OK -> "ok";
					case GARBLED -> "HTTP 200";
					case SERVER_ERROR -> last ? "HTTP 500" : null;
					case RESET, TRUNCATED -> last ? "HTTP 0" : null;
				};
			}
			expected.put(call, outcome);
		}
		return expected;
	}

	/**
	 * Proves that this test would see a leak: one buffer dropped without release is reported.
	 */
	private void assertLeakDetectorReportsAnObviousLeak() {
		leakOneBuffer();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reportedLeaks()).isNotEmpty());
		synchronized (this.leaks) {
			this.leaks.list.clear();
		}
	}

	private static void leakOneBuffer() {
		ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
		leaked.writeInt(42);
	}

	/**
	 * Collects what the detector has found: it reports a leak when it tracks a new buffer after
	 * the leaked one was garbage-collected, so collect garbage and track a few buffers first.
	 */
	private List<String> reportedLeaks() {
		for (int round = 0; round < 3; round++) {
			System.gc();
			for (int i = 0; i < 100; i++) {
				PooledByteBufAllocator.DEFAULT.buffer(8).release();
			}
		}
		// Appending is synchronized on the appender; the detector may report from any thread.
		synchronized (this.leaks) {
			return this.leaks.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		}
	}

}
