package ai.together.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.RecoveryStatus;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxStatus;
import ai.together.sandbox.sandboxes.StartType;
import ai.together.sandbox.sandboxes.StopReason;
import ai.together.sandbox.sandboxes.StopType;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The sandbox lifecycle against WireMock: the exact requests of create, start, stop (both
 * kinds), wait, get, list and delete, and the flows of PROTOCOL.md §2.5 (start → wait → verify;
 * stop → wait → verify), the static one-off helpers, and tolerance of unknown values.
 */
class SandboxLifecycleTest {

	private static final String AGENT_URL = "http://127.0.0.1:1/agent";

	private static final String AGENT_TOKEN = "agent-secret-7f3a";

	private static final String BASE = "/api/v1/sandboxes/abc123";

	private static final String SNAPSHOT_ID = "3f0c6a52-58d1-4c1b-9d7e-2b1f0e6a9c11";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private final RecordingSleeper sleeper = new RecordingSleeper();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void createSendsDefaultsAndOmitsAbsentOptionalFields() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(created(sandbox("created"))));
		SandboxInfo info = client().sandboxes().create(CreateSandboxRequest.fromSnapshotId(SNAPSHOT_ID.toUpperCase()));
		assertThat(info.id()).isEqualTo("abc123");
		assertThat(info.status()).isEqualTo(SandboxStatus.CREATED);
		LoggedRequest request = single("POST", "/api/v1/sandboxes");
		assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TestClients.API_KEY);
		assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
		// The snapshot UUID travels in canonical lower-case form.
		assertThat(request.getBodyAsString()).isEqualTo("{\"millicpu\":1000,\"memory_bytes\":2147483648,"
				+ "\"disk_bytes\":10737418240,\"snapshot_id\":\"" + SNAPSHOT_ID + "\"}");
	}

	@Test
	void createSendsEveryFieldThatIsSet() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(created(sandbox("created"))));
		client().sandboxes()
			.create(CreateSandboxRequest.builder()
				.millicpu(2000)
				.memoryBytes(4L << 30)
				.diskBytes(20L << 30)
				.id("abc123")
				.snapshotAlias("my-app@v1")
				.ephemeral(true)
				.build());
		server.verify(postRequestedFor(urlEqualTo("/api/v1/sandboxes"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"millicpu\":2000,\"memory_bytes\":4294967296,\"disk_bytes\":21474836480,"
					+ "\"id\":\"abc123\",\"snapshot_alias\":\"my-app@v1\",\"ephemeral\":true}")));
		assertThat(single("POST", "/api/v1/sandboxes").getBodyAsString()).doesNotContain("null")
			.doesNotContain("snapshot_id");
	}

	@Test
	void startSendsStartWithoutBodyThenWaitAndReturnsTheConnectedSandbox() {
		stubStartAndWait(okJson(sandbox("running")));
		Sandbox sandbox = track(client().sandboxes().start("abc123"));
		assertThat(sandbox.id()).isEqualTo("abc123");
		// vm_info is the wait response (running), not the discarded start response (starting).
		assertThat(sandbox.vmInfo().status()).isEqualTo(SandboxStatus.RUNNING);
		assertThat(sandbox.vmInfo().agentUrl()).isEqualTo(AGENT_URL);
		assertThat(sandbox.reactive().agent().agentToken()).isEqualTo(AGENT_TOKEN);
		assertThat(sandbox.reactive().agent().agentUrl()).isEqualTo(AGENT_URL);
		assertThat(requestLines()).containsExactly("POST " + BASE + "/start", "POST " + BASE + "/wait");
		LoggedRequest start = single("POST", BASE + "/start");
		assertThat(start.getHeader("Authorization")).isEqualTo("Bearer " + TestClients.API_KEY);
		assertThat(start.getBodyAsString()).isEmpty();
		assertThat(start.containsHeader("Content-Type")).isFalse();
		LoggedRequest wait = single("POST", BASE + "/wait");
		assertThat(wait.getHeader("Authorization")).isEqualTo("Bearer " + TestClients.API_KEY);
		assertThat(wait.getBodyAsString()).isEmpty();
		assertThat(wait.containsHeader("Content-Type")).isFalse();
	}

	@Test
	void startWithVersionNumberSendsIt() {
		stubStartAndWait(okJson(sandbox("running")));
		track(client().sandboxes().start("abc123", 3));
		server.verify(postRequestedFor(urlEqualTo(BASE + "/start"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalTo("{\"version_number\":3}")));
	}

	@Test
	void startThatSettlesInAnotherStatusRaisesLifecycleException() {
		stubStartAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
				() -> client().sandboxes().start("abc123"));
		assertThat(ex).hasMessage("Failed to start sandbox 'abc123'. Its final status was stopped.")
			.isNotInstanceOf(HttpException.class);
		assertThat(ex.sandboxId()).isEqualTo("abc123");
		assertThat(ex.finalStatus()).isEqualTo("stopped");
	}

	@Test
	void startThatSettlesInAnUnknownStatusNamesIt() {
		stubStartAndWait(okJson(sandbox("paused")));
		SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
				() -> client().sandboxes().start("abc123"));
		assertThat(ex).hasMessage("Failed to start sandbox 'abc123'. Its final status was paused.");
		assertThat(ex.finalStatus()).isEqualTo("paused");
	}

	@Test
	void startWithoutAgentUrlOrTokenRaisesLifecycleException() {
		for (String json : List.of(SandboxJson.sandbox("abc123", "running", null, AGENT_TOKEN),
				SandboxJson.sandbox("abc123", "running", AGENT_URL, null),
				SandboxJson.sandbox("abc123", "running", "", AGENT_TOKEN),
				SandboxJson.sandbox("abc123", "running", AGENT_URL, " "))) {
			server.resetAll();
			stubStartAndWait(okJson(json));
			SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
					() -> client().sandboxes().start("abc123"));
			assertThat(ex.getMessage()).contains("no agent connection details").doesNotContain(AGENT_TOKEN);
			assertThat(ex.sandboxId()).isEqualTo("abc123");
		}
	}

	@Test
	void startAndWaitAreRetriedIndependently() {
		server.stubFor(post(BASE + "/start").inScenario("start")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		server.stubFor(post(BASE + "/start").inScenario("start")
			.whenScenarioStateIs("up")
			.willReturn(okJson(sandbox("starting"))));
		server.stubFor(post(BASE + "/wait").inScenario("wait")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(502))
			.willSetStateTo("up"));
		server.stubFor(post(BASE + "/wait").inScenario("wait").whenScenarioStateIs("up").willReturn(okJson(sandbox("running"))));
		track(client().sandboxes().start("abc123"));
		// Each call restarts at attempt 1, so both waits are the first backoff.
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
		assertThat(requestLines()).containsExactly("POST " + BASE + "/start", "POST " + BASE + "/start",
				"POST " + BASE + "/wait", "POST " + BASE + "/wait");
	}

	@Test
	void failedStartDoesNotWait() {
		server.stubFor(post(BASE + "/start").willReturn(aResponse().withStatus(404)
			.withBody("{\"code\":\"NOT_FOUND\",\"message\":\"sandbox not found\",\"errors\":[]}")));
		HttpException ex = catchThrowableOfType(HttpException.class, () -> client().sandboxes().start("abc123"));
		assertThat(ex).hasMessage("Failed to sandboxes.start for sandbox 'abc123': sandbox not found (code: NOT_FOUND)");
		server.verify(0, postRequestedFor(urlEqualTo(BASE + "/wait")));
	}

	@Test
	void hibernateStopsWaitsAndVerifiesStopped() {
		stubStopAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		SandboxInfo info = client().sandboxes().hibernate("abc123");
		assertThat(info.status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(requestLines()).containsExactly("POST " + BASE + "/stop", "POST " + BASE + "/wait");
		server.verify(postRequestedFor(urlEqualTo(BASE + "/stop"))
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalTo("{\"stop_type\":\"hibernate\"}")));
	}

	@Test
	void shutdownStopsWaitsAndVerifiesStopped() {
		stubStopAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		SandboxInfo info = client().sandboxes().shutdown("abc123");
		assertThat(info.status()).isEqualTo(SandboxStatus.STOPPED);
		server.verify(postRequestedFor(urlEqualTo(BASE + "/stop"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalTo("{\"stop_type\":\"shutdown\"}")));
		server.verify(postRequestedFor(urlEqualTo(BASE + "/wait")).withHeader("Content-Type", absent()));
	}

	@Test
	void hibernateThatDoesNotStopRaisesLifecycleException() {
		stubStopAndWait(okJson(sandbox("running")));
		SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
				() -> client().sandboxes().hibernate("abc123"));
		assertThat(ex).hasMessage("Failed to hibernate sandbox 'abc123'. Its final status was running.");
		assertThat(ex.finalStatus()).isEqualTo("running");
	}

	@Test
	void shutdownThatDoesNotStopRaisesLifecycleExceptionSayingStop() {
		stubStopAndWait(okJson(sandbox("stopping")));
		SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
				() -> client().sandboxes().shutdown("abc123"));
		assertThat(ex).hasMessage("Failed to stop sandbox 'abc123'. Its final status was stopping.");
		assertThat(ex.finalStatus()).isEqualTo("stopping");
		assertThat(ex.sandboxId()).isEqualTo("abc123");
	}

	@Test
	void connectedSandboxHibernatesAndShutsDownItself() {
		stubStartAndWait(okJson(sandbox("running")));
		Sandbox sandbox = track(client().sandboxes().start("abc123"));
		server.resetAll();
		stubStopAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		assertThat(sandbox.hibernate().status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(sandbox.shutdown().status()).isEqualTo(SandboxStatus.STOPPED);
		List<String> bodies = chronological().stream()
			.filter((request) -> request.getUrl().equals(BASE + "/stop"))
			.map(LoggedRequest::getBodyAsString)
			.toList();
		assertThat(bodies).containsExactly("{\"stop_type\":\"hibernate\"}", "{\"stop_type\":\"shutdown\"}");
	}

	@Test
	void closingASandboxNeverStopsTheVm() {
		stubStartAndWait(okJson(sandbox("running")));
		Sandbox sandbox = client().sandboxes().start("abc123");
		server.resetRequests();
		sandbox.close();
		sandbox.close();
		assertThat(sandbox.reactive().isClosed()).isTrue();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void getListAndDeleteSendTheDocumentedRequests() {
		server.stubFor(get(urlEqualTo(BASE)).willReturn(okJson(sandbox("running"))));
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes"))
			.willReturn(okJson("[" + sandbox("running") + "," + SandboxJson.sandbox("def456", "stopped", null, null) + "]")));
		server.stubFor(delete(urlEqualTo(BASE)).willReturn(aResponse().withStatus(204)));
		TogetherSandbox sdk = client();
		assertThat(sdk.sandboxes().get("abc123").id()).isEqualTo("abc123");
		assertThat(sdk.sandboxes().list()).extracting(SandboxInfo::id).containsExactly("abc123", "def456");
		sdk.sandboxes().delete("abc123");
		for (var pattern : List.of(getRequestedFor(urlEqualTo(BASE)), getRequestedFor(urlEqualTo("/api/v1/sandboxes")),
				deleteRequestedFor(urlEqualTo(BASE)))) {
			server.verify(1, pattern.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY))
				.withHeader("Content-Type", absent()));
		}
		assertThat(single("GET", "/api/v1/sandboxes").getUrl()).isEqualTo("/api/v1/sandboxes");
	}

	@Test
	void emptyListIsEmpty() {
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes")).willReturn(okJson("[]")));
		assertThat(client().sandboxes().list()).isEmpty();
	}

	@Test
	void sandboxIdsArePercentEncodedInThePath() {
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes/ab%40c%3F12")).willReturn(okJson(sandbox("running"))));
		assertThat(client().sandboxes().get("ab@c?12").id()).isEqualTo("abc123");
	}

	@Test
	void staticStartHibernateAndShutdownUseAOneOffClient() {
		stubStartAndWait(okJson(sandbox("running")));
		try (Sandbox sandbox = Sandbox.start("abc123", "static-key", server.baseUrl())) {
			assertThat(sandbox.id()).isEqualTo("abc123");
			assertThat(sandbox.vmInfo().status()).isEqualTo(SandboxStatus.RUNNING);
		}
		assertThat(requestLines()).containsExactly("POST " + BASE + "/start", "POST " + BASE + "/wait");
		server.resetAll();
		stubStopAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		assertThat(Sandbox.hibernate("abc123", "static-key", server.baseUrl()).status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(Sandbox.shutdown("abc123", "static-key", server.baseUrl()).status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(chronological()).extracting(LoggedRequest::getBodyAsString)
			.containsExactly("{\"stop_type\":\"hibernate\"}", "", "{\"stop_type\":\"shutdown\"}", "");
		assertThat(chronological()).extracting((request) -> request.getHeader("Authorization"))
			.containsOnly("Bearer static-key");
	}

	@Test
	void staticStartReportsLifecycleFailure() {
		stubStartAndWait(okJson(SandboxJson.sandbox("abc123", "stopped", null, null)));
		SandboxLifecycleException ex = catchThrowableOfType(SandboxLifecycleException.class,
				() -> Sandbox.start("abc123", "static-key", server.baseUrl()));
		assertThat(ex).hasMessage("Failed to start sandbox 'abc123'. Its final status was stopped.");
	}

	@Test
	void reactiveStaticStartClosesItsClientWithTheSandbox() {
		stubStartAndWait(okJson(sandbox("running")));
		StepVerifier.create(ReactiveSandbox.start("abc123", "static-key", server.baseUrl()))
			.assertNext((sandbox) -> {
				assertThat(sandbox.id()).isEqualTo("abc123");
				sandbox.close();
				assertThat(sandbox.isClosed()).isTrue();
			})
			.verifyComplete();
	}

	@Test
	void unknownEnumValuesAndExtraFieldsAreTolerated() {
		String json = sandbox("paused").replace("\"start_type\":\"cold_start\"", "\"start_type\":\"warm_start\"")
			.replace("\"requested_stop_type\":null", "\"requested_stop_type\":\"freeze\"")
			.replace("\"stop_reason\":null", "\"stop_reason\":\"solar_flare\"")
			.replace("\"recovery_status\":null", "\"recovery_status\":\"partial\"")
			.replace("\"updated_at\"", "\"brand_new_field\":{\"nested\":[1,2]},\"ttl_seconds\":60,\"updated_at\"");
		server.stubFor(get(urlEqualTo(BASE)).willReturn(okJson(json)));
		SandboxInfo info = client().sandboxes().get("abc123");
		assertThat(info.status().value()).isEqualTo("paused");
		assertThat(info.status().isKnown()).isFalse();
		assertThat(info.startType()).isNotNull().satisfies((type) -> {
			assertThat(type.value()).isEqualTo("warm_start");
			assertThat(type.isKnown()).isFalse();
		});
		assertThat(info.requestedStopType().value()).isEqualTo("freeze");
		assertThat(info.requestedStopType().isKnown()).isFalse();
		assertThat(info.stopReason().value()).isEqualTo("solar_flare");
		assertThat(info.stopReason().isKnown()).isFalse();
		assertThat(info.recoveryStatus().value()).isEqualTo("partial");
		assertThat(info.recoveryStatus().isKnown()).isFalse();
		assertThat(info.createdAt()).isEqualTo(Instant.parse("2026-05-12T10:00:00Z"));
	}

	@Test
	void knownValuesAreTheConstants() {
		String json = sandbox("running").replace("\"requested_stop_type\":null", "\"requested_stop_type\":\"hibernate\"")
			.replace("\"stop_reason\":null", "\"stop_reason\":\"hibernated\"")
			.replace("\"recovery_status\":null", "\"recovery_status\":\"recovered\"");
		server.stubFor(get(urlEqualTo(BASE)).willReturn(okJson(json)));
		SandboxInfo info = client().sandboxes().get("abc123");
		assertThat(info.status()).isSameAs(SandboxStatus.RUNNING);
		assertThat(info.status().isKnown()).isTrue();
		assertThat(info.startType()).isSameAs(StartType.COLD_START);
		assertThat(info.requestedStopType()).isSameAs(StopType.HIBERNATE);
		assertThat(info.stopReason()).isSameAs(StopReason.HIBERNATED);
		assertThat(info.recoveryStatus()).isSameAs(RecoveryStatus.RECOVERED);
		assertThat(info.memoryBytes()).isEqualTo(2147483648L);
		assertThat(info.projectId()).isEqualTo("proj-1");
		assertThat(info.stoppedAt()).isNull();
		assertThat(SandboxStatus.of("paused")).isEqualTo(SandboxStatus.of("paused")).isNotEqualTo(SandboxStatus.RUNNING);
	}

	@Test
	void responseWithoutIdOrStatusIsAnInvalidResponse() {
		stubStartAndWait(okJson(sandbox("running").replace("\"status\":\"running\",", "")));
		HttpException ex = catchThrowableOfType(HttpException.class, () -> client().sandboxes().start("abc123"));
		assertThat(ex.status()).isEqualTo(200);
		assertThat(ex.operation()).isEqualTo("sandboxes.wait");
		assertThat(ex.getMessage()).startsWith("sandboxes.wait returned an invalid response for sandbox 'abc123' (HTTP 200)")
			.contains("status");
		server.stubFor(get(urlEqualTo(BASE)).willReturn(okJson(sandbox("running").replace("\"id\":\"abc123\",", ""))));
		HttpException missingId = catchThrowableOfType(HttpException.class, () -> client().sandboxes().get("abc123"));
		assertThat(missingId.getMessage()).contains("id");
		assertThat(missingId.status()).isEqualTo(200);
	}

	@Test
	void toStringNeverShowsTheAgentToken() {
		stubStartAndWait(okJson(sandbox("running")));
		Sandbox sandbox = track(client().sandboxes().start("abc123"));
		assertThat(sandbox.vmInfo().toString()).doesNotContain(AGENT_TOKEN).contains("agentToken=[REDACTED]");
		assertThat(sandbox.toString()).doesNotContain(AGENT_TOKEN).contains("abc123");
		assertThat(sandbox.reactive().toString()).doesNotContain(AGENT_TOKEN);
		assertThat(sandbox.reactive().agent().toString()).doesNotContain(AGENT_TOKEN);
	}

	@Test
	void waitUsesTheLifecycleTimeoutNotTheResponseTimeout() {
		server.stubFor(post(BASE + "/start").willReturn(okJson(sandbox("starting"))));
		server.stubFor(post(BASE + "/wait").willReturn(okJson(sandbox("running")).withFixedDelay(600)));
		TogetherSandbox patient = track(TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.disabled())
			.responseTimeout(Duration.ofMillis(200))
			.build());
		assertThat(track(patient.sandboxes().start("abc123")).id()).isEqualTo("abc123");
		TogetherSandbox impatient = track(TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.disabled())
			.lifecycleTimeout(Duration.ofMillis(200))
			.build());
		HttpException ex = catchThrowableOfType(HttpException.class, () -> impatient.sandboxes().start("abc123"));
		assertThat(ex.status()).isZero();
		assertThat(ex).hasMessageStartingWith("sandboxes.wait for sandbox 'abc123': TimeoutException")
			.hasMessageContaining("no response within 200ms (lifecycleTimeout)");
	}

	@Test
	void reactiveStartIsLazyAndCompletesWithTheSandbox() {
		stubStartAndWait(okJson(sandbox("running")));
		ReactiveTogetherSandbox sdk = track(TestClients.reactiveBuilder(server.baseUrl(), this.sleeper).build());
		var start = sdk.sandboxes().start("abc123");
		server.verify(0, anyRequestedFor(anyUrl()));
		StepVerifier.create(start)
			.assertNext((sandbox) -> assertThat(sandbox.vmInfo().status()).isEqualTo(SandboxStatus.RUNNING))
			.verifyComplete();
	}

	private TogetherSandbox client() {
		return track(TestClients.builder(server.baseUrl(), this.sleeper).build());
	}

	private <C extends AutoCloseable> C track(C closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static String sandbox(String status) {
		return SandboxJson.sandbox("abc123", status, AGENT_URL, AGENT_TOKEN);
	}

	private static ResponseDefinitionBuilder created(String json) {
		return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(json);
	}

	private static void stubStartAndWait(ResponseDefinitionBuilder waitResponse) {
		server.stubFor(post(BASE + "/start").willReturn(okJson(sandbox("starting"))));
		server.stubFor(post(BASE + "/wait").willReturn(waitResponse));
	}

	private static void stubStopAndWait(ResponseDefinitionBuilder waitResponse) {
		server.stubFor(post(BASE + "/stop").willReturn(okJson(sandbox("stopping"))));
		server.stubFor(post(BASE + "/wait").willReturn(waitResponse));
	}

	private static List<String> requestLines() {
		return chronological().stream().map((request) -> request.getMethod() + " " + request.getUrl()).toList();
	}

	private static List<LoggedRequest> chronological() {
		// WireMock lists the most recent request first.
		List<LoggedRequest> requests = new ArrayList<>(
				server.getAllServeEvents().stream().map(ServeEvent::getRequest).toList());
		Collections.reverse(requests);
		return requests;
	}

	private static LoggedRequest single(String method, String url) {
		List<LoggedRequest> matching = server.getAllServeEvents()
			.stream()
			.map(ServeEvent::getRequest)
			.filter((request) -> request.getMethod().getName().equals(method) && request.getUrl().equals(url))
			.toList();
		assertThat(matching).as(method + " " + url).hasSize(1);
		return matching.get(0);
	}

}
