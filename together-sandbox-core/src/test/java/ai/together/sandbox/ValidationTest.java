package ai.together.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryDecision;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad input fails fast: every validation of {@link CreateSandboxRequest} and of the public
 * methods throws an {@link IllegalArgumentException} naming the parameter and no request reaches
 * the server; client construction resolves the key and base URL (arguments, then environment,
 * then defaults) without network I/O and never reveals the API key.
 */
class ValidationTest {

	private static final String SNAPSHOT_ID = "3f0c6a52-58d1-4c1b-9d7e-2b1f0e6a9c11";

	private static final String SECRET_KEY = "sk-DISTINCTIVE-9c1e77";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private final List<AutoCloseable> clients = new ArrayList<>();

	@AfterEach
	void closeClientsAndCheckNothingWasSentUnexpectedly() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
	}

	static Stream<Arguments> invalidCreateRequests() {
		return Stream.of(
				invalid("millicpu", (b) -> b.millicpu(0)),
				invalid("millicpu", (b) -> b.millicpu(249)),
				invalid("millicpu", (b) -> b.millicpu(-250)),
				invalid("millicpu", (b) -> b.millicpu(300)),
				invalid("millicpu", (b) -> b.millicpu(1001)),
				invalid("memoryBytes", (b) -> b.memoryBytes(0)),
				invalid("memoryBytes", (b) -> b.memoryBytes(-1)),
				invalid("diskBytes", (b) -> b.diskBytes(0)),
				invalid("diskBytes", (b) -> b.diskBytes(-5)),
				invalid("id", (b) -> b.id("abc12")),
				invalid("id", (b) -> b.id("abcdefghi")),
				invalid("id", (b) -> b.id("")),
				invalid("id", (b) -> b.id("abc\n123")),
				invalid("snapshotId", (b) -> b.snapshotAlias(null)),
				invalid("snapshotAlias", (b) -> b.snapshotAlias(null)),
				invalid("snapshotId", (b) -> b.snapshotId(SNAPSHOT_ID)),
				invalid("snapshotAlias", (b) -> b.snapshotId(SNAPSHOT_ID)),
				invalid("snapshotId", (b) -> b.snapshotAlias(null).snapshotId("not-a-uuid")),
				invalid("snapshotId", (b) -> b.snapshotAlias(null).snapshotId("1-2-3-4-5")),
				invalid("snapshotId", (b) -> b.snapshotAlias(null).snapshotId(SNAPSHOT_ID + "0")),
				invalid("snapshotAlias", (b) -> b.snapshotAlias(" ")),
				invalid("snapshotAlias", (b) -> b.snapshotAlias("app@v1\u0000")));
	}

	private static Arguments invalid(String parameter, Consumer<CreateSandboxRequest.Builder> change) {
		return Arguments.of(parameter, change);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidCreateRequests")
	void invalidCreateRequestIsRejectedBeforeAnyRequest(String parameter, Consumer<CreateSandboxRequest.Builder> change) {
		TogetherSandbox sdk = client();
		assertThatIllegalArgumentException().isThrownBy(() -> {
			CreateSandboxRequest.Builder builder = CreateSandboxRequest.builder().snapshotAlias("my-app@v1");
			change.accept(builder);
			sdk.sandboxes().create(builder.build());
		}).withMessageContaining(parameter);
		assertNoRequest();
	}

	@Test
	void validCreateRequestBoundaries() {
		CreateSandboxRequest smallest = CreateSandboxRequest.builder()
			.millicpu(250)
			.memoryBytes(1)
			.diskBytes(1)
			.id("abcdef")
			.snapshotAlias("a")
			.build();
		assertThat(smallest.millicpu()).isEqualTo(250);
		assertThat(CreateSandboxRequest.builder().id("abcdefgh").snapshotId(SNAPSHOT_ID).build().id()).isEqualTo("abcdefgh");
		CreateSandboxRequest defaults = CreateSandboxRequest.fromSnapshotAlias("my-app@v1");
		assertThat(defaults.millicpu()).isEqualTo(1000);
		assertThat(defaults.memoryBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
		assertThat(defaults.diskBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
		assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
		assertThat(CreateSandboxRequest.fromSnapshotId(SNAPSHOT_ID.toUpperCase()).snapshotId()).isEqualTo(SNAPSHOT_ID);
	}

	@Test
	void nullCreateRequestIsRejected() {
		TogetherSandbox sdk = client();
		assertThatIllegalArgumentException().isThrownBy(() -> sdk.sandboxes().create(null))
			.withMessageContaining("request");
		assertThatIllegalArgumentException().isThrownBy(() -> sdk.reactive().sandboxes().create(null))
			.withMessageContaining("request");
		assertNoRequest();
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "   ", "abc12", "abcdefghi", "abc\n123", "abc\u0000123", "abc 123", "abc/123",
			"\tabcdef" })
	void invalidSandboxIdIsRejectedByEveryMethodBeforeAnyRequest(String sandboxId) {
		TogetherSandbox sdk = client();
		ReactiveTogetherSandbox reactive = sdk.reactive();
		List<Executable> calls = List.of(() -> sdk.sandboxes().start(sandboxId), () -> sdk.sandboxes().start(sandboxId, 2),
				() -> sdk.sandboxes().hibernate(sandboxId), () -> sdk.sandboxes().shutdown(sandboxId),
				() -> sdk.sandboxes().get(sandboxId), () -> sdk.sandboxes().delete(sandboxId),
				() -> reactive.sandboxes().start(sandboxId), () -> reactive.sandboxes().start(sandboxId, 2),
				() -> reactive.sandboxes().hibernate(sandboxId), () -> reactive.sandboxes().shutdown(sandboxId),
				() -> reactive.sandboxes().get(sandboxId), () -> reactive.sandboxes().delete(sandboxId),
				() -> Sandbox.start(sandboxId, "key", server.baseUrl()),
				() -> Sandbox.hibernate(sandboxId, "key", server.baseUrl()),
				() -> Sandbox.shutdown(sandboxId, "key", server.baseUrl()),
				() -> ReactiveSandbox.start(sandboxId, "key", server.baseUrl()),
				() -> ReactiveSandbox.hibernate(sandboxId, "key", server.baseUrl()),
				() -> ReactiveSandbox.shutdown(sandboxId, "key", server.baseUrl()),
				() -> Sandbox.start(sandboxId, "key"), () -> Sandbox.hibernate(sandboxId, "key"),
				() -> Sandbox.shutdown(sandboxId, "key"), () -> ReactiveSandbox.start(sandboxId, "key"));
		for (Executable call : calls) {
			// The reactive methods reject bad input when called, not later through the Mono.
			assertThat(catchThrowable(call::execute)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("sandboxId");
		}
		assertNoRequest();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
	void invalidVersionNumberIsRejected(int versionNumber) {
		TogetherSandbox sdk = client();
		assertThatIllegalArgumentException().isThrownBy(() -> sdk.sandboxes().start("abc123", versionNumber))
			.withMessageContaining("versionNumber");
		assertThatIllegalArgumentException().isThrownBy(() -> sdk.reactive().sandboxes().start("abc123", versionNumber))
			.withMessageContaining("versionNumber");
		assertNoRequest();
	}

	@Test
	void missingApiKeyFailsBeforeAnyRequest() {
		for (String key : new String[] { null, "", "  " }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> TogetherSandbox.builder().apiKey(key).baseUrl(server.baseUrl()).environment(env(Map.of())).build())
				.withMessageContaining("TOGETHER_API_KEY")
				.withMessageContaining("apiKey");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> ReactiveTogetherSandbox.builder()
					.apiKey(key)
					.environment(env(Map.of("TOGETHER_API_KEY", " ")))
					.build())
				.withMessageContaining("TOGETHER_API_KEY");
		}
		assertNoRequest();
	}

	@Test
	void apiKeyFallsBackToTheEnvironmentWhenMissingOrBlank() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		for (String key : new String[] { null, "", " " }) {
			TogetherSandbox sdk = track(TogetherSandbox.builder()
				.apiKey(key)
				.baseUrl(server.baseUrl())
				.environment(env(Map.of("TOGETHER_API_KEY", "env-key")))
				.build());
			sdk.sandboxes().get("abc123");
		}
		server.verify(3, getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")).withHeader("Authorization",
				equalTo("Bearer env-key")));
		// An argument wins over the environment.
		track(TogetherSandbox.builder()
			.apiKey("arg-key")
			.baseUrl(server.baseUrl())
			.environment(env(Map.of("TOGETHER_API_KEY", "env-key")))
			.build()).sandboxes().get("abc123");
		server.verify(1, getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")).withHeader("Authorization",
				equalTo("Bearer arg-key")));
	}

	@Test
	void baseUrlFallsBackToTheEnvironmentThenTheDefault() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		for (String url : new String[] { null, "", "  " }) {
			TogetherSandbox sdk = track(TogetherSandbox.builder()
				.apiKey("k")
				.baseUrl(url)
				.environment(env(Map.of("TOGETHER_BASE_URL", server.baseUrl())))
				.build());
			assertThat(sdk.baseUrl()).isEqualTo(server.baseUrl());
			sdk.sandboxes().get("abc123");
		}
		server.verify(3, getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")));
		TogetherSandbox defaults = track(TogetherSandbox.builder().apiKey("k").environment(env(Map.of("TOGETHER_BASE_URL", ""))).build());
		assertThat(defaults.baseUrl()).isEqualTo("https://api.codesandbox.io");
		TogetherSandbox argument = track(TogetherSandbox.builder()
			.apiKey("k")
			.baseUrl("http://127.0.0.1:9")
			.environment(env(Map.of("TOGETHER_BASE_URL", server.baseUrl())))
			.build());
		assertThat(argument.baseUrl()).isEqualTo("http://127.0.0.1:9");
	}

	@Test
	void trailingSlashIsTolerated() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		server.stubFor(get("/prefix/api/v1/sandboxes/abc123")
			.willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		for (String url : new String[] { server.baseUrl() + "/", server.baseUrl() + "//", " " + server.baseUrl() + "/ " }) {
			TogetherSandbox sdk = track(TestClients.builder(url, new RecordingSleeper()).build());
			assertThat(sdk.baseUrl()).isEqualTo(server.baseUrl());
			sdk.sandboxes().get("abc123");
		}
		track(TestClients.builder(server.baseUrl() + "/prefix/", new RecordingSleeper()).build()).sandboxes().get("abc123");
		server.verify(3, getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")));
		server.verify(1, getRequestedFor(urlEqualTo("/prefix/api/v1/sandboxes/abc123")));
		assertThat(server.getAllServeEvents()).allSatisfy((event) -> assertThat(event.getRequest().getUrl()).doesNotContain("//"));
	}

	@Test
	void trailingApiV1IsStripped() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		server.stubFor(get("/prefix/api/v1/sandboxes/abc123")
			.willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		for (String url : new String[] { server.baseUrl() + "/api/v1", server.baseUrl() + "/api/v1/" }) {
			TogetherSandbox sdk = track(TestClients.builder(url, new RecordingSleeper()).build());
			assertThat(sdk.baseUrl()).isEqualTo(server.baseUrl());
			sdk.sandboxes().get("abc123");
		}
		TogetherSandbox fromEnvironment = track(TogetherSandbox.builder()
			.apiKey("k")
			.environment(env(Map.of("TOGETHER_BASE_URL", server.baseUrl() + "/prefix/api/v1/")))
			.build());
		assertThat(fromEnvironment.baseUrl()).isEqualTo(server.baseUrl() + "/prefix");
		fromEnvironment.sandboxes().get("abc123");
		server.verify(2, getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")));
		server.verify(1, getRequestedFor(urlEqualTo("/prefix/api/v1/sandboxes/abc123")));
		assertThat(server.getAllServeEvents())
			.allSatisfy((event) -> assertThat(event.getRequest().getUrl()).doesNotContain("/api/v1/api/v1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "not a url", "ftp://example.com", "localhost:8080", "http://", "/api", "http://host?x=1",
			"http://host#frag", "mailto:someone@example.com" })
	void invalidBaseUrlIsRejected(String url) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TogetherSandbox.builder().apiKey("k").baseUrl(url).environment(env(Map.of())).build())
			.withMessageContaining("baseUrl");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TogetherSandbox.builder()
				.apiKey("k")
				.environment(env(Map.of("TOGETHER_BASE_URL", url)))
				.build())
			.withMessageContaining("TOGETHER_BASE_URL");
	}

	@Test
	void invalidBuilderSettingsAreRejected() {
		TogetherSandbox.Builder builder = TogetherSandbox.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.responseTimeout(Duration.ZERO))
			.withMessageContaining("responseTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.lifecycleTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("lifecycleTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.connectTimeout(null))
			.withMessageContaining("connectTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retry(null)).withMessageContaining("retry");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.webClientBuilder(null))
			.withMessageContaining("webClientBuilder");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retryListener(null))
			.withMessageContaining("listener");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().shouldRetry(null))
			.withMessageContaining("shouldRetry");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().onRetryAsync(null))
			.withMessageContaining("onRetry");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().maxDelay(null))
			.withMessageContaining("maxDelay");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().excludedOperations(null))
			.withMessageContaining("excludedOperations");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryDecision.retryAfter(null))
			.withMessageContaining("delay");
	}

	@Test
	void constructionPerformsNoNetworkIo() {
		TogetherSandbox blocking = track(TestClients.builder(server.baseUrl(), new RecordingSleeper()).build());
		ReactiveTogetherSandbox reactive = track(TestClients.reactiveBuilder(server.baseUrl(), new RecordingSleeper()).build());
		track(TestClients.builder(server.baseUrl(), new RecordingSleeper()).buildReactive());
		// Preparing calls without subscribing sends nothing either.
		reactive.sandboxes().get("abc123");
		reactive.sandboxes().list();
		blocking.reactive().sandboxes().delete("abc123");
		assertNoRequest();
	}

	@Test
	void closeTwiceIsFine() {
		TogetherSandbox blocking = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build();
		assertThatNoException().isThrownBy(() -> {
			blocking.close();
			blocking.close();
			blocking.reactive().close();
		});
		ReactiveTogetherSandbox reactive = TestClients.reactiveBuilder(server.baseUrl(), new RecordingSleeper()).build();
		assertThatNoException().isThrownBy(() -> {
			reactive.close();
			reactive.close();
		});
		assertNoRequest();
	}

	@Test
	void apiKeyNeverAppearsInToStringOrMessages() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(aResponse().withStatus(401)
			.withBody("{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid API key\",\"errors\":[]}")));
		server.stubFor(get("/api/v1/sandboxes/def456").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		server.stubFor(get("/api/v1/sandboxes/ghi789").willReturn(aResponse().withStatus(500).withBody("<html>")));
		TogetherSandbox sdk = track(TogetherSandbox.builder()
			.apiKey(SECRET_KEY)
			.baseUrl(server.baseUrl())
			.environment(env(Map.of()))
			.retryTiming(new RecordingSleeper(), () -> 0.0)
			.build());
		List<String> texts = new ArrayList<>();
		texts.add(sdk.toString());
		texts.add(sdk.reactive().toString());
		texts.add(sdk.reactive().context().toString());
		texts.add(sdk.reactive().context().management("sandboxes.get", null, org.springframework.http.HttpMethod.GET, "/x").toString());
		texts.add(sdk.retryConfig().toString());
		for (String id : List.of("abc123", "def456", "ghi789")) {
			Throwable error = catchThrowable(() -> sdk.sandboxes().get(id));
			assertThat(error).isInstanceOf(HttpException.class);
			for (Throwable t = error; t != null; t = t.getCause()) {
				texts.add(t.toString());
			}
		}
		Throwable whitespaceKey = catchThrowable(
				() -> TogetherSandbox.builder().apiKey(SECRET_KEY + " x").environment(env(Map.of())).build());
		assertThat(whitespaceKey).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey");
		texts.add(whitespaceKey.toString());
		assertThat(texts).allSatisfy((text) -> assertThat(text).doesNotContain(SECRET_KEY).doesNotContain("9c1e77"));
		// The key itself is sent, as a bearer token.
		server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")).withHeader("Authorization",
				equalTo("Bearer " + SECRET_KEY)));
	}

	@Test
	void applicationWebClientBuilderIsUsedButNotModified() {
		server.stubFor(get("/api/v1/sandboxes/abc123").willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		WebClient.Builder application = WebClient.builder().filter((request, next) -> {
			seen.add(request.method() + " " + request.url().getPath());
			return next.exchange(request);
		});
		TogetherSandbox sdk = track(TestClients.builder(server.baseUrl(), new RecordingSleeper())
			.webClientBuilder(application)
			.build());
		// Changing the application's builder afterwards does not affect the client (it was cloned).
		application.defaultHeader("X-Late", "1");
		sdk.sandboxes().get("abc123");
		assertThat(seen).containsExactly("GET /api/v1/sandboxes/abc123");
		server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes/abc123")).withoutHeader("X-Late")
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY)));
	}

	@Test
	void contextExposesWhatTheClientWasBuiltWith() {
		TogetherSandbox sdk = track(TestClients.builder(server.baseUrl(), new RecordingSleeper())
			.retry(RetryConfig.builder().maxAttempts(5).build())
			.lifecycleTimeout(Duration.ofMinutes(2))
			.build());
		ClientContext context = sdk.reactive().context();
		assertThat(context.origin()).isEqualTo(server.baseUrl());
		assertThat(context.apiKey()).isEqualTo(TestClients.API_KEY);
		assertThat(context.lifecycleTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(sdk.retryConfig().maxAttempts()).isEqualTo(5);
		assertThat(sdk.reactive().retryConfig()).isSameAs(sdk.retryConfig());
	}

	private TogetherSandbox client() {
		return track(TestClients.builder(server.baseUrl(), new RecordingSleeper()).build());
	}

	private <C extends AutoCloseable> C track(C client) {
		this.clients.add(client);
		return client;
	}

	private static java.util.function.UnaryOperator<String> env(Map<String, String> variables) {
		return variables::get;
	}

	private static void assertNoRequest() {
		server.verify(0, anyRequestedFor(anyUrl()));
	}

}
