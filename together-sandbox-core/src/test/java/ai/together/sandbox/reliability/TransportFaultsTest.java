package ai.together.sandbox.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryListener;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every transport fault we could think of, against WireMock and a raw socket server that
 * misbehaves on purpose, in one table: each ends in an {@link HttpException} with the right status
 * (0 when no usable response arrived), a message naming the operation, within the configured
 * timeout, retried only where the rules say so (transport failures and 5xx: yes; a 2xx that cannot
 * be read: no), and without leaving a connection open on the server. {@code CallApiTest} covers
 * the retry rules themselves; this table covers the breadth of faults.
 */
class TransportFaultsTest {

	private static final String PATH = "/api/v1/sandboxes/abc123";

	private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(400);

	private static final Duration RETRY_DELAY = Duration.ofMillis(20);

	private static final int ATTEMPTS = 3;

	/** What may be added to the attempts' timeouts and pauses: scheduling, connects, JIT. */
	private static final Duration SLACK = Duration.ofSeconds(2);

	private static final String SANDBOX = SandboxJson.sandbox("abc123", "running", null, null);

	@RegisterExtension
	static WireMockExtension wireMock = TestClients.wireMock();

	private static MisbehavingServer raw;

	private TogetherSandbox sdk;

	private final List<Integer> attempts = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startRawServer() throws IOException {
		raw = MisbehavingServer.start((connection) -> connection.respond(200, "application/json", SANDBOX));
	}

	@AfterAll
	static void stopRawServer() throws IOException {
		raw.close();
	}

	@AfterEach
	void closeClient() {
		if (this.sdk != null) {
			this.sdk.close();
		}
	}

	/** How long an attempt lasts. */
	enum Timing {

		/** It fails as soon as the fault happens. */
		FAST,
		/** It waits for the whole response timeout. */
		TIMES_OUT,
		/** It fails fast, or at the latest when the response timeout expires. */
		AT_MOST_TIMEOUT

	}

	/** Where a fault happens: a base URL, after the server was told how to misbehave. */
	@FunctionalInterface
	interface Setup {

		String baseUrl() throws IOException;

	}

	/**
	 * One row of the table.
	 * @param name what goes wrong
	 * @param setup prepares the server and returns its base URL
	 * @param status the expected {@link HttpException#status()}
	 * @param retried whether the rules retry it
	 * @param messagePart a piece the message must contain, besides the operation
	 * @param timing how long each attempt may last
	 */
	record FaultCase(String name, Setup setup, int status, boolean retried, String messagePart, Timing timing) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<FaultCase> faults() {
		return Stream.of(
				new FaultCase("connection refused", TransportFaultsTest::closedPort, 0, true, "Connection refused",
						Timing.FAST),
				new FaultCase("reset before any response", () -> rawServer((c) -> c.reset()), 0, true, "sandboxes.get",
						Timing.FAST),
				new FaultCase("reset mid-response", () -> rawServer((c) -> {
					c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + SANDBOX.length()
							+ "\r\n\r\n" + SANDBOX.substring(0, 40));
					c.reset();
				}), 0, true, "sandboxes.get", Timing.FAST),
				new FaultCase("closed mid-body (truncated by the connection)", () -> rawServer((c) -> {
					c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
							+ "{\"id\":\"abc1");
					c.close();
				}), 0, true, "sandboxes.get", Timing.FAST),
				new FaultCase("empty response", () -> wireMockFault(Fault.EMPTY_RESPONSE), 0, true, "sandboxes.get",
						Timing.FAST),
				new FaultCase("malformed chunk", () -> wireMockFault(Fault.MALFORMED_RESPONSE_CHUNK), 0, true,
						"sandboxes.get", Timing.FAST),
				new FaultCase("random bytes then close", () -> wireMockFault(Fault.RANDOM_DATA_THEN_CLOSE), 0, true,
						"sandboxes.get", Timing.FAST),
				new FaultCase("not HTTP at all", () -> rawServer((c) -> {
					c.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
					c.close();
				}), 0, true, "sandboxes.get", Timing.FAST),
				new FaultCase("garbage JSON", () -> wireMockStub(okJson("{\"id\": \"abc123\", oops")), 200, false,
						"returned an invalid response", Timing.FAST),
				new FaultCase("truncated JSON", () -> wireMockStub(okJson(SANDBOX.substring(0, 60))), 200, false,
						"returned an invalid response", Timing.FAST),
				new FaultCase("binary garbage as JSON", () -> wireMockStub(aResponse().withStatus(200)
					.withHeader("Content-Type", "application/json")
					.withBody(randomBytes(512))), 200, false, "returned an invalid response", Timing.FAST),
				new FaultCase("wrong content type (text/html 200)", () -> wireMockStub(aResponse().withStatus(200)
					.withHeader("Content-Type", "text/html")
					.withBody("<html><body>Welcome to nginx!</body></html>")), 200, false, "returned an invalid response",
						Timing.FAST),
				new FaultCase("2xx with an error body", () -> wireMockStub(okJson(
						"{\"code\":\"INTERNAL\",\"message\":\"something broke\",\"errors\":[]}")), 200, false,
						"returned an invalid response", Timing.FAST),
				new FaultCase("204 where a body is expected", () -> wireMockStub(aResponse().withStatus(204)), 204, false,
						"returned an invalid response", Timing.FAST),
				new FaultCase("5xx with an HTML body", () -> wireMockStub(aResponse().withStatus(502)
					.withHeader("Content-Type", "text/html")
					.withBody("<html>Bad Gateway</html>")), 502, true, "returned no response", Timing.FAST),
				new FaultCase("slow headers", () -> wireMockStub(okJson(SANDBOX).withFixedDelay(5_000)), 0, true,
						"TimeoutException", Timing.TIMES_OUT),
				new FaultCase("slow body (trickle)", () -> rawServer((c) -> {
					c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
					c.trickleUntilClientCloses(" ".getBytes(StandardCharsets.US_ASCII), Duration.ofMillis(50));
				}), 0, true, "TimeoutException", Timing.TIMES_OUT),
				new FaultCase("headers, then silence", () -> rawServer((c) -> {
					c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
					c.awaitClientClose();
				}), 0, true, "TimeoutException", Timing.TIMES_OUT),
				new FaultCase("accepted, never answered", () -> rawServer((c) -> c.awaitClientClose()), 0, true,
						"TimeoutException", Timing.TIMES_OUT),
				// The .invalid top-level domain never resolves (RFC 6761): no host is ever contacted.
				// The resolver answers at once here; where no DNS server answers at all, the
				// response timeout bounds each attempt instead.
				new FaultCase("unresolvable host", () -> "http://nonexistent.invalid", 0, true, "sandboxes.get",
						Timing.AT_MOST_TIMEOUT));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("faults")
	void faultEndsInAnHttpExceptionNamingTheOperationWithinTheTimeout(FaultCase fault) throws IOException {
		String baseUrl = fault.setup().baseUrl();
		this.sdk = client(baseUrl);
		int rawRequestsBefore = raw.requestLines().size();

		long started = System.nanoTime();
		HttpException error = catchThrowableOfType(HttpException.class, () -> this.sdk.sandboxes().get("abc123"));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

		assertThat(error).as("an HttpException").isNotNull();
		assertThat(error.status()).isEqualTo(fault.status());
		assertThat(error.operation()).isEqualTo("sandboxes.get");
		assertThat(error.getMessage()).contains("sandboxes.get").contains(fault.messagePart());
		if (fault.status() == 0) {
			assertThat(error.getMessage()).startsWith("sandboxes.get for sandbox 'abc123': ");
			assertThat(error.getCause()).as("the transport failure is kept as the cause").isNotNull();
		}
		int expectedAttempts = fault.retried() ? ATTEMPTS : 1;
		assertThat(this.attempts).containsExactly(expectedAttempts);
		// The server saw exactly those attempts, where there was a server to see them.
		if (baseUrl.equals(raw.baseUrl())) {
			assertThat(raw.requestLines().size() - rawRequestsBefore).isEqualTo(expectedAttempts);
		}
		else if (baseUrl.equals(wireMock.baseUrl())) {
			wireMock.verify(expectedAttempts, getRequestedFor(urlEqualTo(PATH)));
		}
		Duration perAttempt = (fault.timing() == Timing.FAST) ? Duration.ZERO : RESPONSE_TIMEOUT;
		Duration bound = perAttempt.multipliedBy(expectedAttempts)
			.plus(RETRY_DELAY.multipliedBy(4))
			.plus(SLACK);
		assertThat(elapsed).as("time to fail").isLessThan(bound);
		if (fault.timing() == Timing.TIMES_OUT) {
			assertThat(elapsed).as("each attempt waited for its timeout").isGreaterThanOrEqualTo(
					RESPONSE_TIMEOUT.multipliedBy(expectedAttempts));
		}
		// No attempt leaves a connection behind on the raw server (WireMock's faults close theirs).
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(raw.open()).isZero());
	}

	@Test
	void theReactiveStyleFailsWithTheSameExceptionAndTheSameRetries() throws IOException {
		String baseUrl = rawServer((c) -> c.reset());
		this.sdk = client(baseUrl);
		StepVerifier.create(this.sdk.reactive().sandboxes().get("abc123"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
				assertThat(http.status()).isZero();
				assertThat(http.getMessage()).startsWith("sandboxes.get for sandbox 'abc123': ");
			}))
			.verify(Duration.ofSeconds(10));
		assertThat(this.attempts).containsExactly(ATTEMPTS);
	}

	@Test
	void aHealthyServerStillAnswersAfterEveryFault() throws IOException {
		// The faults above must not have poisoned the shared connection pool of a long-lived client.
		String baseUrl = rawServer((c) -> c.reset());
		this.sdk = client(baseUrl);
		catchThrowableOfType(HttpException.class, () -> this.sdk.sandboxes().get("abc123"));
		raw.behave((c) -> c.respond(200, "application/json", SANDBOX));
		assertThat(this.sdk.sandboxes().get("abc123").id()).isEqualTo("abc123");
	}

	private TogetherSandbox client(String baseUrl) {
		RetryListener recorder = new RetryListener() {

			@Override
			public void onComplete(String operation, int count, @Nullable Throwable error) {
				TransportFaultsTest.this.attempts.add(count);
			}

		};
		return TogetherSandbox.builder()
			.apiKey("reliability-key")
			.baseUrl(baseUrl)
			.responseTimeout(RESPONSE_TIMEOUT)
			.connectTimeout(Duration.ofSeconds(2))
			.retry(RetryConfig.builder().maxAttempts(ATTEMPTS).initialDelay(RETRY_DELAY).jitter(Duration.ZERO).build())
			.retryListener(recorder)
			.build();
	}

	private static String rawServer(MisbehavingServer.Behaviour behaviour) {
		raw.behave(behaviour);
		return raw.baseUrl();
	}

	private static String wireMockFault(Fault fault) {
		return wireMockStub(aResponse().withFault(fault));
	}

	private static String wireMockStub(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
		wireMock.stubFor(get(PATH).willReturn(response));
		return wireMock.baseUrl();
	}

	private static String closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		new Random(9).nextBytes(bytes);
		return bytes;
	}

}
