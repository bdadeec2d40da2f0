package ai.together.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.retry.RetryDecision;
import ai.together.sandbox.retry.RetryListener;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The HTTP call wrapper end to end, through the public client against WireMock: PROTOCOL.md §4.6
 * {@code tests/test_call_api.py} lines 1–39, the error messages of §4.2, transport failures
 * (status 0), {@code Retry-After} and the documented departures. No test really sleeps.
 */
class CallApiTest {

	private static final String GET_PATH = "/api/v1/sandboxes/abc123";

	private static final String DELETE_PATH = "/api/v1/sandboxes/abc123";

	private static final String SANDBOX = SandboxJson.sandbox("abc123", "running", "http://127.0.0.1:1/agent", "tok");

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private final RecordingSleeper sleeper = new RecordingSleeper();

	private final List<AutoCloseable> clients = new ArrayList<>();

	@AfterEach
	void closeClients() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
	}

	// 1. Successful response -> returns the parsed object; 1 call.
	@Test
	void successReturnsParsedObjectAfterOneCall() {
		server.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX)));
		SandboxInfo info = client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(info.id()).isEqualTo("abc123");
		assertThat(info.agentUrl()).isEqualTo("http://127.0.0.1:1/agent");
		assertGets(1);
	}

	// 2. Success -> on_retry not called.
	@Test
	void successDoesNotCallOnRetry() {
		server.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX)));
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		client(RetryConfig.builder().onRetry(onRetry::add).build()).sandboxes().get("abc123");
		assertThat(onRetry).isEmpty();
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	// 3-8. No-model responses with 408, 429, 500, 502, 503, 504 are retried; the following
	// success is returned (2 calls).
	@ParameterizedTest
	@ValueSource(ints = { 408, 429, 500, 502, 503, 504 })
	void retryableStatusIsRetriedThenSucceeds(int status) {
		stubGetSequence(aResponse().withStatus(status).withBody("upstream trouble"), okJson(SANDBOX));
		SandboxInfo info = client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(info.id()).isEqualTo("abc123");
		assertGets(2);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
	}

	// 9-12. No-model responses with 400, 401, 403, 404 raise immediately (1 call).
	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404 })
	void nonRetryableStatusRaisesImmediately(int status) {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(status)));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex.status()).isEqualTo(status);
		assertThat(ex.operation()).isEqualTo("sandboxes.get");
		assertThat(ex.code()).isNull();
		assertThat(ex.getCause()).isNull();
		assertThat(ex).hasMessage("sandboxes.get returned no response for sandbox 'abc123' (HTTP " + status + ")");
		assertGets(1);
	}

	// 13. Persistent 500 -> 3 calls (default), then raises.
	@Test
	void persistent500MakesThreeCallsThenRaises() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(500)));
		List<Throwable> seen = new CopyOnWriteArrayList<>();
		TogetherSandbox sdk = track(TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.builder().onRetry((context) -> seen.add(context.error())).build())
			.retryListener(new RetryListener() {

				@Override
				public void onComplete(String operation, int attempts, Throwable error) {
					seen.add(error);
				}

			})
			.build());
		HttpException ex = catchHttp(() -> sdk.sandboxes().get("abc123"));
		assertThat(ex.status()).isEqualTo(500);
		assertGets(3);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
		// The caller gets the last attempt's exception itself: one object per attempt, the third thrown.
		assertThat(seen).hasSize(3).doesNotHaveDuplicates();
		assertThat(seen.get(2)).isSameAs(ex);
	}

	// 14. Persistent 503 with max_attempts=2 -> exactly 2 calls.
	@Test
	void persistent503WithTwoAttemptsMakesTwoCalls() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(503)));
		HttpException ex = catchHttp(() -> client(RetryConfig.builder().maxAttempts(2).build()).sandboxes().get("abc123"));
		assertThat(ex.status()).isEqualTo(503);
		assertGets(2);
	}

	// 15. A timeout is retried; success on call 2.
	@Test
	void timeoutIsRetriedThenSucceeds() {
		stubGetSequence(okJson(SANDBOX).withFixedDelay(1500), okJson(SANDBOX));
		SandboxInfo info = shortTimeoutClient(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(info.id()).isEqualTo("abc123");
		assertGets(2);
	}

	// 16. A connect error is retried; success on call 2 (the server comes up during the backoff).
	@Test
	void connectErrorIsRetriedThenSucceeds() throws IOException {
		int port = closedPort();
		WireMockServer late = new WireMockServer(options().bindAddress("127.0.0.1").port(port));
		late.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX)));
		List<Duration> sleeps = new CopyOnWriteArrayList<>();
		try {
			TogetherSandbox sdk = TestClients.builder("http://127.0.0.1:" + port, this.sleeper)
				.retryTiming((delay) -> Mono.fromRunnable(() -> {
					sleeps.add(delay);
					late.start();
				}), () -> 0.0)
				.build();
			this.clients.add(sdk);
			assertThat(sdk.sandboxes().get("abc123").id()).isEqualTo("abc123");
			assertThat(sleeps).containsExactly(Duration.ofMillis(500));
			late.verify(1, getRequestedFor(urlEqualTo(GET_PATH)));
		}
		finally {
			late.stop();
		}
	}

	// 17. A remote-protocol error (peer closed, malformed response) is retried; success on call 2.
	@ParameterizedTest
	@EnumSource(value = Fault.class,
			names = { "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE" })
	void protocolErrorIsRetriedThenSucceeds(Fault fault) {
		stubGetSequence(aResponse().withFault(fault), okJson(SANDBOX));
		SandboxInfo info = client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(info.id()).isEqualTo("abc123");
		assertGets(2);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
	}

	// 18. Persistent timeout with max_attempts=2 -> status 0, message with the original text,
	// cause = the timeout exception, 2 calls.
	@Test
	void persistentTimeoutRaisesStatusZeroWithCause() {
		server.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX).withFixedDelay(1500)));
		HttpException ex = catchHttp(
				() -> shortTimeoutClient(RetryConfig.builder().maxAttempts(2).build()).sandboxes().get("abc123"));
		assertThat(ex.status()).isZero();
		assertThat(ex.isTransportFailure()).isTrue();
		assertThat(ex.getCause()).isInstanceOf(TimeoutException.class);
		assertThat(ex.getMessage()).startsWith("sandboxes.get for sandbox 'abc123': TimeoutException: ")
			.contains(ex.getCause().getMessage())
			.contains("300ms");
		assertGets(2);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
	}

	// 18b. The timeout message names the builder setting and its value, so that a timeout set in
	// the wrong unit (30 ms instead of 30 s) is recognised at once.
	@Test
	void timeoutMessageNamesTheSettingAndItsValue() {
		server.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX).withFixedDelay(1500)));
		HttpException ex = catchHttp(() -> shortTimeoutClient(RetryConfig.disabled()).sandboxes().get("abc123"));
		assertThat(ex.getMessage()).contains("no response within 300ms (responseTimeout)");
	}

	@Test
	void connectionRefusedIsStatusZeroAndRetriedPerTheRules() throws IOException {
		int port = closedPort();
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		TogetherSandbox sdk = track(TestClients.builder("http://127.0.0.1:" + port, this.sleeper)
			.retryListener(new RetryListener() {

				@Override
				public void onComplete(String operation, int count, Throwable error) {
					attempts.add(count);
				}

			})
			.build());
		HttpException ex = catchHttp(() -> sdk.sandboxes().get("abc123"));
		assertTransportFailure(ex, "sandboxes.get for sandbox 'abc123'");
		assertThat(ex.getMessage()).contains("Connection refused");
		assertThat(attempts).containsExactly(3);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
		// With transport retries switched off, one attempt only.
		attempts.clear();
		TogetherSandbox noRetry = track(TestClients.builder("http://127.0.0.1:" + port, new RecordingSleeper())
			.retry(RetryConfig.builder().retryTransportErrors(false).build())
			.retryListener(new RetryListener() {

				@Override
				public void onComplete(String operation, int count, Throwable error) {
					attempts.add(count);
				}

			})
			.build());
		assertTransportFailure(catchHttp(() -> noRetry.sandboxes().get("abc123")), "sandboxes.get for sandbox 'abc123'");
		assertThat(attempts).containsExactly(1);
	}

	@ParameterizedTest
	@EnumSource(value = Fault.class,
			names = { "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE" })
	void faultIsStatusZeroWithCauseAndRetried(Fault fault) {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withFault(fault)));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertTransportFailure(ex, "sandboxes.get for sandbox 'abc123'");
		assertGets(3);
	}

	@Test
	void transportFailureOnCreateHasNoContextSuffix() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		HttpException ex = catchHttp(() -> client(RetryConfig.disabled()).sandboxes()
			.create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1")));
		assertTransportFailure(ex, "sandboxes.create");
	}

	// 19. Management Error model at 404 -> raises, message contains the op name, 1 call.
	@Test
	void managementErrorAt404RaisesWithTheExactMessage() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"NOT_FOUND\",\"message\":\"sandbox not found\",\"errors\":[]}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("Failed to sandboxes.get for sandbox 'abc123': sandbox not found (code: NOT_FOUND)");
		assertThat(ex.status()).isEqualTo(404);
		assertThat(ex.code()).isEqualTo("NOT_FOUND");
		assertThat(ex.errors()).isEmpty();
		assertGets(1);
	}

	// 20. The Error model's message text appears in the raised message.
	@Test
	void errorModelMessageTextAppears() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(aResponse().withStatus(400)
			.withBody("{\"code\":\"INVALID\",\"message\":\"missing field\",\"errors\":[{\"parameter\":\"millicpu\","
					+ "\"code\":\"invalid\",\"message\":\"must be a multiple of 250\",\"details\":{\"min\":250}},"
					+ "{\"parameter\":\"disk_bytes\"}]}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes()
			.create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1")));
		// No context for create; the errors array is kept on the exception, not in the message.
		assertThat(ex).hasMessage("Failed to sandboxes.create: missing field (code: INVALID)");
		assertThat(ex.errors()).containsExactly(
				new HttpException.FieldError("millicpu", "invalid", "must be a multiple of 250",
						java.util.Map.of("min", 250)),
				new HttpException.FieldError("disk_bytes", null, null, null));
		server.verify(1, postRequestedFor(urlEqualTo("/api/v1/sandboxes")));
	}

	// 21. Management Error model at 500 is still retried (the status decides).
	// Departure (documented): its message is surfaced at any status, Python only at 400-404.
	@Test
	void errorModelAt500IsRetriedAndItsMessageSurfaced() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(500)
			.withBody("{\"code\":\"INTERNAL\",\"message\":\"database unavailable\",\"errors\":[]}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("Failed to sandboxes.get for sandbox 'abc123': database unavailable (code: INTERNAL); failed after 3 attempts");
		assertThat(ex.status()).isEqualTo(500);
		assertGets(3);
	}

	@Test
	void jsonErrorBodyWithoutMessageCarriesTheServerTextAndTheNumberOfAttempts() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"upstream overloaded\"}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage(
				"Failed to sandboxes.get for sandbox 'abc123': upstream overloaded (HTTP 503); failed after 3 attempts");
		assertThat(ex.status()).isEqualTo(503);
		assertThat(ex.code()).isNull();
		assertThat(ex.errors()).isEmpty();
		assertGets(3);
	}

	@Test
	void errorModelAt409IsSurfacedAndNotRetried() {
		server.stubFor(get(GET_PATH).willReturn(
				aResponse().withStatus(409).withBody("{\"code\":\"CONFLICT\",\"message\":\"already starting\"}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("Failed to sandboxes.get for sandbox 'abc123': already starting (code: CONFLICT)");
		assertGets(1);
	}

	// 22. Agent Error model (code int) at 500 with max_attempts=1 -> raises.
	@Test
	void agentErrorModelAt500WithOneAttemptRaises() {
		server.stubFor(get(GET_PATH)
			.willReturn(aResponse().withStatus(500).withBody("{\"code\":500,\"message\":\"agent crashed\"}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.disabled()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("Failed to sandboxes.get for sandbox 'abc123': agent crashed (code: 500)");
		assertThat(ex.code()).isEqualTo("500");
		assertGets(1);
	}

	@Test
	void agentShapeErrorCodeBecomesAString() {
		server.stubFor(get(GET_PATH)
			.willReturn(aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"file not found\"}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex.code()).isEqualTo("404");
		assertThat(ex).hasMessage("Failed to sandboxes.get for sandbox 'abc123': file not found (code: 404)");
	}

	@Test
	void errorBodyWithoutStringMessageIsNoModel() {
		server.stubFor(get(GET_PATH)
			.willReturn(aResponse().withStatus(404).withBody("{\"code\":\"NOT_FOUND\",\"message\":null}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("sandboxes.get returned no response for sandbox 'abc123' (HTTP 404)");
		assertThat(ex.code()).isNull();
	}

	// 23. The context string appears in the raised message.
	@Test
	void contextStringAppearsInTheMessage() {
		server.stubFor(get("/api/v1/sandboxes/abc").willReturn(aResponse().withStatus(403)
			.withBody("{\"code\":\"FORBIDDEN\",\"message\":\"not yours\",\"errors\":[]}")));
		server.stubFor(get("/api/v1/sandboxes/abc-12%27").willReturn(aResponse().withStatus(403)
			.withBody("{\"code\":\"FORBIDDEN\",\"message\":\"not yours\",\"errors\":[]}")));
		TogetherSandbox sdk = client(RetryConfig.defaults());
		assertThat(catchHttp(() -> sdk.sandboxes().get("abc-12'")))
			.hasMessage("Failed to sandboxes.get for sandbox \"abc-12'\": not yours (code: FORBIDDEN)");
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(403)
			.withBody("{\"code\":\"FORBIDDEN\",\"message\":\"not yours\",\"errors\":[]}")));
		assertThat(catchHttp(() -> sdk.sandboxes().get("abc123"))).hasMessageContaining("for sandbox 'abc123'");
	}

	// A non-JSON error body at a retryable status: the generic message, with the wait context.
	@Test
	void nonJsonBodyOnWaitGivesTheNoResponseMessage() {
		server.stubFor(post("/api/v1/sandboxes/abc123/start").willReturn(okJson(SandboxJson.sandbox("abc123", "starting", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "text/html")
			.withBody("<html>Service Unavailable</html>")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().start("abc123"));
		assertThat(ex).hasMessage(
				"sandboxes.wait returned no response for sandbox 'abc123' (HTTP 503); failed after 3 attempts");
		assertThat(ex.operation()).isEqualTo("sandboxes.wait");
		server.verify(1, postRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123/start")));
		server.verify(3, postRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123/wait")));
	}

	// 24. should_retry -> False stops at the first 500 (1 call, 1 decision).
	@Test
	void shouldRetryFalseStopsAtFirst500() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(500)));
		AtomicInteger decisions = new AtomicInteger();
		RetryConfig config = RetryConfig.builder().shouldRetry((context) -> {
			decisions.incrementAndGet();
			return RetryDecision.stop();
		}).build();
		assertThat(catchHttp(() -> client(config).sandboxes().get("abc123")).status()).isEqualTo(500);
		assertGets(1);
		assertThat(decisions).hasValue(1);
	}

	// 25. should_retry -> True retries a 400.
	@Test
	void shouldRetryTrueRetriesA400() {
		stubGetSequence(aResponse().withStatus(400), okJson(SANDBOX));
		RetryConfig config = RetryConfig.builder().shouldRetryIf((context) -> true).build();
		assertThat(client(config).sandboxes().get("abc123").id()).isEqualTo("abc123");
		assertGets(2);
	}

	// 26. should_retry -> 2.5 -> on_retry sees delay 2.5.
	@Test
	void customDelayReachesOnRetry() {
		stubGetSequence(aResponse().withStatus(500), okJson(SANDBOX));
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetry((context) -> RetryDecision.retryAfter(Duration.ofMillis(2500)))
			.onRetry(onRetry::add)
			.build();
		client(config).sandboxes().get("abc123");
		assertThat(onRetry).singleElement().extracting(RetryContext::delay).isEqualTo(Duration.ofMillis(2500));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(2500));
	}

	// 27. Context passed to should_retry at a 503.
	@Test
	void contextAt503() {
		stubGetSequence(aResponse().withStatus(503), okJson(SANDBOX));
		List<RetryContext> seen = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().shouldRetryIf((context) -> seen.add(context)).build();
		client(config).sandboxes().get("abc123");
		assertThat(seen).singleElement().satisfies((context) -> {
			assertThat(context.operation()).isEqualTo("sandboxes.get");
			assertThat(context.attempt()).isEqualTo(1);
			assertThat(context.status()).isEqualTo(503);
			assertThat(context.error()).isInstanceOfSatisfying(HttpException.class,
					(error) -> assertThat(error.status()).isEqualTo(503));
			assertThat(context.delay()).isEqualTo(Duration.ofMillis(500));
		});
	}

	// 28. Attempts seen by should_retry over 3 attempts are [1, 2].
	// 29/30. on_retry is called twice for 3 failing attempts, with attempts [1, 2].
	@Test
	void callbacksSeeAttemptsOneAndTwo() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(502)));
		List<Integer> decided = new CopyOnWriteArrayList<>();
		List<Integer> retried = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetryIf((context) -> decided.add(context.attempt()))
			.onRetry((context) -> retried.add(context.attempt()))
			.build();
		catchHttp(() -> client(config).sandboxes().get("abc123"));
		assertThat(decided).containsExactly(1, 2);
		assertThat(retried).containsExactly(1, 2);
		assertGets(3);
	}

	// 31. Zero jitter -> sleeps [0.5, 1.0].
	@Test
	void zeroJitterSleeps() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(504)));
		catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
	}

	// 32. Maximal jitter (U = 1.0) -> sleeps [0.75, 1.25].
	@Test
	void maximalJitterSleeps() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(504)));
		TogetherSandbox sdk = track(TestClients.builder(server.baseUrl(), this.sleeper, () -> 1.0).build());
		catchHttp(() -> sdk.sandboxes().get("abc123"));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1250));
	}

	// 33. Async should_retry returning False -> 1 call.
	@Test
	void asyncShouldRetryFalseMakesOneCall() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(503)));
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.supplyAsync(RetryDecision::stop))
			.build();
		catchHttp(() -> client(config).sandboxes().get("abc123"));
		assertGets(1);
	}

	// 34. Async should_retry returning True retries a 400.
	@Test
	void asyncShouldRetryTrueRetriesA400() {
		stubGetSequence(aResponse().withStatus(400), okJson(SANDBOX));
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.supplyAsync(RetryDecision::retry))
			.build();
		assertThat(client(config).sandboxes().get("abc123").id()).isEqualTo("abc123");
		assertGets(2);
	}

	// 35. Async on_retry is awaited twice with attempts 1 and 2.
	@Test
	void asyncOnRetryAwaitedTwice() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(500)));
		List<Integer> completed = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.onRetryAsync((context) -> CompletableFuture.runAsync(() -> completed.add(context.attempt())))
			.build();
		catchHttp(() -> client(config).sandboxes().get("abc123"));
		assertThat(completed).containsExactly(1, 2);
	}

	// 36. Async should_retry returning 3.0 -> async on_retry receives delay 3.0.
	@Test
	void asyncCustomDelayReachesAsyncOnRetry() {
		stubGetSequence(aResponse().withStatus(500), okJson(SANDBOX));
		List<Duration> delays = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync(
					(context) -> CompletableFuture.supplyAsync(() -> RetryDecision.retryAfter(Duration.ofSeconds(3))))
			.onRetryAsync((context) -> CompletableFuture.runAsync(() -> delays.add(context.delay())))
			.build();
		client(config).sandboxes().get("abc123");
		assertThat(delays).containsExactly(Duration.ofSeconds(3));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(3));
	}

	// 37. 204 with nothing parsed -> returns nothing (1 call).
	@Test
	void noContentReturnsNothing() {
		server.stubFor(delete(DELETE_PATH).willReturn(aResponse().withStatus(204)));
		TogetherSandbox sdk = client(RetryConfig.defaults());
		sdk.sandboxes().delete("abc123");
		StepVerifier.create(sdk.reactive().sandboxes().delete("abc123")).verifyComplete();
		server.verify(2, deleteRequestedFor(urlEqualTo(DELETE_PATH)));
	}

	// 38. 200 with nothing parsed -> returns nothing.
	// 39. A no-body success does not trigger on_retry.
	@Test
	void okWithoutBodyReturnsNothingWithoutOnRetry() {
		server.stubFor(delete(DELETE_PATH).willReturn(aResponse().withStatus(200)));
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		client(RetryConfig.builder().onRetry(onRetry::add).build()).sandboxes().delete("abc123");
		assertThat(onRetry).isEmpty();
		server.verify(1, deleteRequestedFor(urlEqualTo(DELETE_PATH)));
	}

	@Test
	void retryAfterSecondsRaisesTheDelay() {
		stubGetSequence(aResponse().withStatus(429).withHeader("Retry-After", "7"), okJson(SANDBOX));
		client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(7));
	}

	@Test
	void retryAfterIsKeptOnTheException() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(503)
			.withHeader("Retry-After", "12")
			.withBody("{\"code\":\"BUSY\",\"message\":\"try later\"}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.disabled()).sandboxes().get("abc123"));
		assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void retryAfterHttpDateIsCappedByMaxDelay() {
		String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
		String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
		server.stubFor(get(GET_PATH).inScenario("dates")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", inAnHour))
			.willSetStateTo("past"));
		server.stubFor(get(GET_PATH).inScenario("dates")
			.whenScenarioStateIs("past")
			.willReturn(aResponse().withStatus(503).withHeader("Retry-After", past))
			.willSetStateTo("ok"));
		server.stubFor(get(GET_PATH).inScenario("dates").whenScenarioStateIs("ok").willReturn(okJson(SANDBOX)));
		client(RetryConfig.defaults()).sandboxes().get("abc123");
		// An hour away is capped at maxDelay (30 s); a date in the past leaves the backoff.
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofMillis(1000));
	}

	@Test
	void absurdRetryAfterIsCappedByMaxDelay() {
		stubGetSequence(aResponse().withStatus(503).withHeader("Retry-After", "99999999999"), okJson(SANDBOX));
		client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(30));
	}

	@Test
	void errorBodyWithOddFieldErrorsIsStillAnHttpException() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(aResponse().withStatus(400)
			.withBody("{\"code\":\"INVALID\",\"message\":\"bad id\",\"errors\":[{\"parameter\":\"id\",\"details\":\"too short\"}]}")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes()
			.create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1")));
		assertThat(ex).hasMessage("Failed to sandboxes.create: bad id (code: INVALID)");
		assertThat(ex.errors()).containsExactly(new HttpException.FieldError("id", null, null, null));
	}

	@Test
	void unreadableRetryAfterIsIgnored() {
		stubGetSequence(aResponse().withStatus(503).withHeader("Retry-After", "soon"), okJson(SANDBOX));
		client(RetryConfig.defaults()).sandboxes().get("abc123");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
	}

	@Test
	void garbageJsonInA200IsAnHttpExceptionAndNotRetried() {
		server.stubFor(get(GET_PATH).willReturn(okJson("{\"id\": \"abc123\", oops")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex.status()).isEqualTo(200);
		assertThat(ex.operation()).isEqualTo("sandboxes.get");
		assertThat(ex.getMessage()).startsWith("sandboxes.get returned an invalid response for sandbox 'abc123' (HTTP 200): ");
		assertThat(ex.getCause()).isNotNull();
		assertGets(1);
	}

	@Test
	void wrongShapeOrEmptyBodyInA200IsAnHttpException() {
		server.stubFor(get(GET_PATH).willReturn(okJson("[1, 2]")));
		TogetherSandbox sdk = client(RetryConfig.defaults());
		assertThat(catchHttp(() -> sdk.sandboxes().get("abc123")).status()).isEqualTo(200);
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(200)));
		assertThat(catchHttp(() -> sdk.sandboxes().get("abc123"))).hasMessageStartingWith(
				"sandboxes.get returned an invalid response for sandbox 'abc123' (HTTP 200)");
		assertGets(2);
	}

	@Test
	void redirectIsNotFollowed() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(302).withHeader("Location", "/elsewhere")));
		HttpException ex = catchHttp(() -> client(RetryConfig.defaults()).sandboxes().get("abc123"));
		assertThat(ex).hasMessage("sandboxes.get returned no response for sandbox 'abc123' (HTTP 302)");
		server.verify(0, getRequestedFor(urlEqualTo("/elsewhere")));
	}

	@Test
	void reactiveCallFailsWithTheSameException() {
		server.stubFor(get(GET_PATH).willReturn(aResponse().withStatus(404)
			.withBody("{\"code\":\"NOT_FOUND\",\"message\":\"sandbox not found\",\"errors\":[]}")));
		ReactiveTogetherSandbox sdk = track(TestClients.reactiveBuilder(server.baseUrl(), this.sleeper).build());
		StepVerifier.create(sdk.sandboxes().get("abc123"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(HttpException.class)
				.hasMessage("Failed to sandboxes.get for sandbox 'abc123': sandbox not found (code: NOT_FOUND)"))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void nothingIsSentUntilSubscribed() {
		server.stubFor(get(GET_PATH).willReturn(okJson(SANDBOX)));
		ReactiveTogetherSandbox sdk = track(TestClients.reactiveBuilder(server.baseUrl(), this.sleeper).build());
		Mono<SandboxInfo> pending = sdk.sandboxes().get("abc123");
		assertGets(0);
		assertThat(pending.block()).isNotNull();
		assertGets(1);
	}

	private TogetherSandbox client(RetryConfig config) {
		return track(TestClients.builder(server.baseUrl(), this.sleeper).retry(config).build());
	}

	private TogetherSandbox shortTimeoutClient(RetryConfig config) {
		return track(TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(config)
			.responseTimeout(Duration.ofMillis(300))
			.build());
	}

	private <C extends AutoCloseable> C track(C client) {
		this.clients.add(client);
		return client;
	}

	private static void stubGetSequence(ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
		server.stubFor(get(GET_PATH).inScenario("sequence")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(first)
			.willSetStateTo("second"));
		server.stubFor(get(GET_PATH).inScenario("sequence").whenScenarioStateIs("second").willReturn(then));
	}

	private static void assertGets(int count) {
		RequestPatternBuilder gets = getRequestedFor(urlEqualTo(GET_PATH));
		server.verify(count, gets);
	}

	static HttpException catchHttp(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
		HttpException ex = catchThrowableOfType(HttpException.class, call);
		assertThat(ex).as("an HttpException").isNotNull();
		return ex;
	}

	private static void assertTransportFailure(HttpException ex, String prefix) {
		assertThat(ex.status()).isZero();
		assertThat(ex.getCause()).isNotNull();
		assertThat(ex.getMessage()).matches("(?s)" + java.util.regex.Pattern.quote(prefix) + ": \\w+(: .+)?");
		String className = ex.getMessage().substring(prefix.length() + 2).split(":", 2)[0];
		List<String> chain = new ArrayList<>();
		for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
			chain.add(t.getClass().getSimpleName());
		}
		assertThat(chain).as("the class named in the message is in the cause chain").contains(className);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
