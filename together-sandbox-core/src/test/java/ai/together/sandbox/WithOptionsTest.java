package ai.together.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@code withOptions(...)}: a derived client's retries, timeouts, headers and API key apply on the
 * wire while its parent's stay as they were, and both share one connection pool, whose life is
 * the parent's.
 */
class WithOptionsTest {

	private static final String SANDBOX = "/api/v1/sandboxes/abc123";

	private static final String TENANT_KEY = "tenant-key-123";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private final RecordingSleeper sleeper = new RecordingSleeper();

	private TogetherSandbox sdk;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), this.sleeper).build();
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void derivedClientSendsItsApiKeyAndHeadersWhileTheParentSendsItsOwn() {
		stubGetRunning(null);
		TogetherSandbox tenant = this.sdk
			.withOptions((options) -> options.apiKey(TENANT_KEY).header("X-Tenant", "t-1").header("X-Trace", "a"));
		tenant.sandboxes().get("abc123");
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX)).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
			.withHeader("X-Tenant", equalTo("t-1"))
			.withHeader("X-Trace", equalTo("a")));
		server.resetRequests();
		this.sdk.sandboxes().get("abc123");
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX))
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY))
			.withHeader("X-Tenant", absent()));
		assertThat(this.sdk.options().headers()).isEmpty();
	}

	@Test
	void headersReachTheAgentApiWhichKeepsTheAgentToken() {
		stubGetRunning(server.baseUrl() + "/agent/abc123");
		server.stubFor(get("/agent/abc123/api/v1/files/%2Fa.txt")
			.willReturn(okJson("{\"path\":\"/a.txt\",\"content\":\"hi\",\"encoding\":\"utf-8\"}")));
		TogetherSandbox tenant = this.sdk.withOptions((options) -> options.apiKey(TENANT_KEY).header("X-Tenant", "t-1"));
		try (Sandbox sandbox = tenant.sandboxes().connect("abc123")) {
			assertThat(sandbox.files().read("/a.txt")).isEqualTo("hi");
		}
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX)).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY)));
		server.verify(1, getRequestedFor(urlEqualTo("/agent/abc123/api/v1/files/%2Fa.txt"))
			.withHeader("Authorization", equalTo("Bearer agent-token"))
			.withHeader("X-Tenant", equalTo("t-1")));
	}

	@Test
	void derivedRetryConfigAppliesAndTheParentKeepsItsOwn() {
		server.stubFor(get(SANDBOX).willReturn(aResponse().withStatus(503)));
		TogetherSandbox noRetry = this.sdk.withOptions((options) -> options.retry(RetryConfig.disabled()));
		assertThat(catchThrowable(() -> noRetry.sandboxes().get("abc123"))).isInstanceOf(HttpException.class);
		server.verify(1, getRequestedFor(urlEqualTo(SANDBOX)));
		assertThat(this.sleeper.sleeps()).isEmpty();
		assertThat(noRetry.retryConfig().maxAttempts()).isEqualTo(1);

		server.resetRequests();
		assertThat(catchThrowable(() -> this.sdk.sandboxes().get("abc123"))).isInstanceOf(HttpException.class);
		server.verify(RetryConfig.defaults().maxAttempts(), getRequestedFor(urlEqualTo(SANDBOX)));
		assertThat(this.sdk.retryConfig()).isSameAs(RetryConfig.defaults());
	}

	@Test
	void derivedResponseTimeoutAppliesAndTheParentKeepsItsOwn() {
		server.stubFor(get(SANDBOX).willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))
			.withFixedDelay(1_500)));
		TogetherSandbox impatient = this.sdk
			.withOptions((options) -> options.retry(RetryConfig.disabled()).responseTimeout(Duration.ofMillis(200)));
		Throwable error = catchThrowable(() -> impatient.sandboxes().get("abc123"));
		assertThat(error).isInstanceOf(HttpException.class).hasCauseInstanceOf(TimeoutException.class);
		assertThat(this.sdk.sandboxes().get("abc123").id()).isEqualTo("abc123");
		assertThat(this.sdk.options().responseTimeout()).isEqualTo(ClientBuilder.DEFAULT_RESPONSE_TIMEOUT);
	}

	@Test
	void derivedLifecycleTimeoutAppliesToTheWaitCall() {
		server.stubFor(post(SANDBOX + "/stop").willReturn(okJson(SandboxJson.sandbox("abc123", "stopping", null, null))));
		server.stubFor(post(SANDBOX + "/wait").willReturn(okJson(SandboxJson.sandbox("abc123", "stopped", null, null))
			.withFixedDelay(1_500)));
		TogetherSandbox impatient = this.sdk
			.withOptions((options) -> options.retry(RetryConfig.disabled()).lifecycleTimeout(Duration.ofMillis(200)));
		Throwable error = catchThrowable(() -> impatient.sandboxes().hibernate("abc123"));
		assertThat(error).isInstanceOf(HttpException.class).hasCauseInstanceOf(TimeoutException.class);
		assertThat(this.sdk.sandboxes().hibernate("abc123").id()).isEqualTo("abc123");
		server.verify(2, postRequestedFor(urlEqualTo(SANDBOX + "/wait")));
	}

	@Test
	void derivedClientSharesTheParentsConnectionPool() {
		try (TogetherSandbox single = TestClients.builder(server.baseUrl(), this.sleeper)
			.maxConnections(1)
			.connectTimeout(Duration.ofMillis(300))
			.retry(RetryConfig.disabled())
			.build()) {
			server.stubFor(get(SANDBOX).willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))
				.withFixedDelay(3_000)));
			server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
			TogetherSandbox derived = single.withOptions((options) -> options.header("X-Tenant", "t-1"));
			CompletableFuture<SandboxInfo> slow = single.reactive().sandboxes().get("abc123").toFuture();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.findAll(getRequestedFor(urlEqualTo(SANDBOX))).size() == 1);
			// The parent's call holds the pool's only connection: the derived client must wait for it.
			Throwable error = catchThrowable(() -> derived.sandboxes().list());
			assertThat(error).isInstanceOf(HttpException.class).hasMessageContaining("PoolAcquireTimeoutException");
			assertThat(slow.join().id()).isEqualTo("abc123");
			// Closing the derived client releases nothing of the parent's: the parent keeps working.
			derived.close();
			assertThat(single.sandboxes().list()).isEmpty();
		}
	}

	@Test
	void closingTheDerivedClientLeavesTheParentWorking() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		TogetherSandbox derived = this.sdk.withOptions((options) -> options.header("X-Tenant", "t-1"));
		derived.close();
		assertThat(catchThrowable(() -> derived.sandboxes().list())).isInstanceOf(TogetherSandboxException.class)
			.hasMessage("sandboxes.list: the client is closed");
		assertThat(this.sdk.sandboxes().list()).isEmpty();
		assertThat(this.sdk.reactive().sandboxes().list().collectList().block()).isEmpty();
	}

	@Test
	void closingTheParentMakesTheDerivedClientsFail() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		TogetherSandbox derived = this.sdk.withOptions((options) -> options.header("X-Tenant", "t-1"));
		ReactiveTogetherSandbox derivedTwice = derived.reactive().withOptions((options) -> options.apiKey(TENANT_KEY));
		this.sdk.close();
		assertThat(catchThrowable(() -> derived.sandboxes().list())).isInstanceOf(TogetherSandboxException.class)
			.hasMessage("sandboxes.list: the client is closed");
		assertThat(catchThrowable(() -> derivedTwice.sandboxes().list().blockLast()))
			.isInstanceOf(TogetherSandboxException.class)
			.hasMessage("sandboxes.list: the client is closed");
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void closingTheParentEndsACallInFlightThroughTheDerivedClient() {
		server.stubFor(get(SANDBOX).willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))
			.withFixedDelay(5_000)));
		ReactiveTogetherSandbox derived = this.sdk.reactive().withOptions((options) -> options.header("X-Tenant", "t-1"));
		CompletableFuture<SandboxInfo> call = derived.sandboxes().get("abc123").toFuture();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.findAll(getRequestedFor(urlEqualTo(SANDBOX))).size() == 1);
		this.sdk.close();
		assertThat(catchThrowable(call::join)).hasCauseInstanceOf(TogetherSandboxException.class)
			.hasMessageContaining("the client was closed");
	}

	@Test
	void blockingAndReactiveDerivationsAreEquivalent() {
		Consumer<ClientOptions.Builder> options = (builder) -> builder.retry(RetryConfig.disabled())
			.responseTimeout(Duration.ofSeconds(3))
			.lifecycleTimeout(Duration.ofSeconds(30))
			.header("X-Tenant", "t-1")
			.apiKey(TENANT_KEY);
		ClientOptions viaReactive = this.sdk.reactive().withOptions(options).options();
		ClientOptions viaBlocking = this.sdk.withOptions(options).reactive().options();
		assertThat(viaBlocking.retry()).hasToString(viaReactive.retry().toString());
		assertThat(viaBlocking.retry().maxAttempts()).isEqualTo(1);
		assertThat(viaBlocking.responseTimeout()).isEqualTo(viaReactive.responseTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(viaBlocking.lifecycleTimeout()).isEqualTo(viaReactive.lifecycleTimeout())
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(viaBlocking.headers()).isEqualTo(viaReactive.headers()).containsExactly(entry("X-Tenant", "t-1"));
		assertThat(viaBlocking.toString()).isEqualTo(viaReactive.toString());
		assertThat(this.sdk.withOptions(options).baseUrl()).isEqualTo(this.sdk.baseUrl());
	}

	@Test
	void derivationStartsFromTheClientItIsCalledOnAndHeadersReplaceIgnoringCase() {
		TogetherSandbox first = this.sdk.withOptions((options) -> options.header("X-Tenant", "t-1").header("X-A", "a"));
		TogetherSandbox second = first
			.withOptions((options) -> options.header("x-tenant", "t-2").removeHeader("x-a").header("X-B", "b"));
		assertThat(first.options().headers()).containsExactly(entry("X-Tenant", "t-1"), entry("X-A", "a"));
		assertThat(second.options().headers()).containsExactly(entry("x-tenant", "t-2"), entry("X-B", "b"));
		assertThat(second.options().retry()).isSameAs(this.sdk.options().retry());
	}

	@Test
	void badOptionsAreRejectedBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.sdk.withOptions(null))
			.withMessage("options must not be null");
		assertRejected((options) -> options.header("X-Tenant", "a\r\nX-Injected: b"), "value of header X-Tenant");
		assertRejected((options) -> options.header("X-Tenant", "a\nb"), "must not contain control characters");
		assertRejected((options) -> options.header("X-Ten\r\nant", "a"), "name must be an HTTP token");
		assertRejected((options) -> options.header("X Tenant", "a"), "name must be an HTTP token");
		assertRejected((options) -> options.header("X-Tenant:", "a"), "name must be an HTTP token");
		assertRejected((options) -> options.header(" ", "a"), "name must not be blank");
		assertRejected((options) -> options.header(null, "a"), "name must not be null");
		assertRejected((options) -> options.header("X-Tenant", null), "value must not be null");
		assertRejected((options) -> options.header("Authorization", "Bearer other"), "use apiKey(...)");
		assertRejected((options) -> options.header("authorization", "Bearer other"), "must not be Authorization");
		assertRejected((options) -> options.apiKey("key with spaces"), "apiKey must not contain whitespace");
		assertRejected((options) -> options.apiKey(""), "apiKey must not be blank");
		assertRejected((options) -> options.retry(null), "retry must not be null");
		assertRejected((options) -> options.responseTimeout(Duration.ZERO), "responseTimeout must be positive");
		assertRejected((options) -> options.lifecycleTimeout(Duration.ofSeconds(-1)), "lifecycleTimeout must be positive");
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void toStringShowsNoApiKeyAndNoHeaderValue() {
		TogetherSandbox derived = this.sdk
			.withOptions((options) -> options.apiKey(TENANT_KEY).header("X-Secret-Token", "s3cr3t-value"));
		String shown = derived.options().toString() + derived + derived.reactive();
		assertThat(shown).contains("X-Secret-Token")
			.doesNotContain(TENANT_KEY)
			.doesNotContain("s3cr3t-value")
			.doesNotContain(TestClients.API_KEY);
	}

	private void assertRejected(Consumer<ClientOptions.Builder> options, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.sdk.withOptions(options))
			.withMessageContaining(message);
		assertThatIllegalArgumentException().isThrownBy(() -> this.sdk.reactive().withOptions(options))
			.withMessageContaining(message);
	}

	private static Map.Entry<String, String> entry(String name, String value) {
		return Map.entry(name, value);
	}

	private static void stubGetRunning(@Nullable String agentUrl) {
		server.stubFor(get(SANDBOX).willReturn(okJson(SandboxJson.sandbox("abc123", "running", agentUrl,
				(agentUrl != null) ? "agent-token" : null))));
	}

}
