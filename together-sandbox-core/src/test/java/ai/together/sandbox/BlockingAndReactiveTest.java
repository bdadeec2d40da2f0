package ai.together.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The blocking and the reactive style run the same operations against the same stubs and give
 * the same results and the same exceptions; the blocking style throws the exception itself (not
 * a wrapper) and is a view over the reactive engine.
 */
class BlockingAndReactiveTest {

	private static final String AGENT_URL = "http://127.0.0.1:1/agent";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private TogetherSandbox blocking;

	private ReactiveTogetherSandbox reactive;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void clients() {
		this.blocking = track(TestClients.builder(server.baseUrl(), new RecordingSleeper()).build());
		this.reactive = track(TestClients.reactiveBuilder(server.baseUrl(), new RecordingSleeper()).build());
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void successfulOperationsGiveEqualResults() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(
				aResponse().withStatus(201).withBody(SandboxJson.sandbox("abc123", "created", null, null))));
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes/abc123")).willReturn(okJson(running("abc123"))));
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes"))
			.willReturn(okJson("[" + running("abc123") + "," + running("def456") + "]")));
		server.stubFor(delete(urlEqualTo("/api/v1/sandboxes/abc123")).willReturn(aResponse().withStatus(204)));
		server.stubFor(post("/api/v1/sandboxes/abc123/start").willReturn(okJson(SandboxJson.sandbox("abc123", "starting", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/stop").willReturn(okJson(SandboxJson.sandbox("abc123", "stopping", null, null))));
		CreateSandboxRequest request = CreateSandboxRequest.fromSnapshotAlias("my-app@v1");

		assertThat(this.blocking.sandboxes().create(request)).isEqualTo(block(this.reactive.sandboxes().create(request)));
		assertThat(this.blocking.sandboxes().get("abc123")).isEqualTo(block(this.reactive.sandboxes().get("abc123")));
		List<SandboxInfo> list = this.blocking.sandboxes().list();
		assertThat(list).hasSize(2).isEqualTo(this.reactive.sandboxes().list().collectList().block());
		this.blocking.sandboxes().delete("abc123");
		StepVerifier.create(this.reactive.sandboxes().delete("abc123")).verifyComplete();

		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(okJson(running("abc123"))));
		Sandbox sandbox = track(this.blocking.sandboxes().start("abc123"));
		ReactiveSandbox reactiveSandbox = track(block(this.reactive.sandboxes().start("abc123")));
		assertThat(sandbox.vmInfo()).isEqualTo(reactiveSandbox.vmInfo());
		assertThat(sandbox.id()).isEqualTo(reactiveSandbox.id());

		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(okJson(SandboxJson.sandbox("abc123", "stopped", null, null))));
		assertThat(this.blocking.sandboxes().hibernate("abc123"))
			.isEqualTo(block(this.reactive.sandboxes().hibernate("abc123")))
			.isEqualTo(sandbox.hibernate())
			.isEqualTo(block(reactiveSandbox.hibernate()));
		assertThat(this.blocking.sandboxes().shutdown("abc123"))
			.isEqualTo(block(this.reactive.sandboxes().shutdown("abc123")))
			.isEqualTo(sandbox.shutdown())
			.isEqualTo(block(reactiveSandbox.shutdown()));
	}

	@Test
	void failuresAreTheSameExceptionsAndBlockingThrowsThemUnwrapped() {
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes/abc123")).willReturn(aResponse().withStatus(404)
			.withBody("{\"code\":\"NOT_FOUND\",\"message\":\"sandbox not found\",\"errors\":[]}")));
		assertSameFailure(() -> this.blocking.sandboxes().get("abc123"), this.reactive.sandboxes().get("abc123"));

		server.stubFor(get(urlEqualTo("/api/v1/sandboxes")).willReturn(aResponse().withStatus(503)));
		assertSameFailure(() -> this.blocking.sandboxes().list(), this.reactive.sandboxes().list().collectList());

		server.stubFor(delete(urlEqualTo("/api/v1/sandboxes/abc123"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		Throwable transport = assertSameFailure(() -> this.blocking.sandboxes().delete("abc123"),
				this.reactive.sandboxes().delete("abc123"));
		assertThat(((HttpException) transport).status()).isZero();

		server.stubFor(post("/api/v1/sandboxes/abc123/start").willReturn(okJson(SandboxJson.sandbox("abc123", "starting", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(okJson(SandboxJson.sandbox("abc123", "stopped", null, null))));
		Throwable lifecycle = assertSameFailure(() -> this.blocking.sandboxes().start("abc123"),
				this.reactive.sandboxes().start("abc123"));
		assertThat(lifecycle).isInstanceOf(SandboxLifecycleException.class);

		server.stubFor(post("/api/v1/sandboxes/abc123/stop").willReturn(okJson(SandboxJson.sandbox("abc123", "stopping", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(okJson(running("abc123"))));
		assertSameFailure(() -> this.blocking.sandboxes().hibernate("abc123"), this.reactive.sandboxes().hibernate("abc123"));
		assertSameFailure(() -> this.blocking.sandboxes().shutdown("abc123"), this.reactive.sandboxes().shutdown("abc123"));

		server.stubFor(post("/api/v1/sandboxes").willReturn(aResponse().withStatus(400)
			.withBody("{\"code\":\"INVALID\",\"message\":\"bad snapshot\",\"errors\":[]}")));
		CreateSandboxRequest request = CreateSandboxRequest.fromSnapshotAlias("missing@v1");
		assertSameFailure(() -> this.blocking.sandboxes().create(request), this.reactive.sandboxes().create(request));
	}

	@Test
	void blockingViewSharesTheReactiveEngine() {
		assertThat(this.blocking.reactive().blocking().reactive()).isSameAs(this.blocking.reactive());
		assertThat(this.blocking.sandboxes().reactive()).isSameAs(this.blocking.reactive().sandboxes());
		assertThat(this.reactive.blocking().reactive()).isSameAs(this.reactive);
		assertThat(this.reactive.blocking().baseUrl()).isEqualTo(this.reactive.baseUrl());
		assertThat(this.reactive.blocking().retryConfig()).isSameAs(this.reactive.retryConfig());
	}

	@Test
	void retriesBehaveTheSameInBothStyles() {
		RecordingSleeper blockingSleeper = new RecordingSleeper();
		RecordingSleeper reactiveSleeper = new RecordingSleeper();
		TogetherSandbox b = track(TestClients.builder(server.baseUrl(), blockingSleeper).build());
		ReactiveTogetherSandbox r = track(TestClients.reactiveBuilder(server.baseUrl(), reactiveSleeper).build());
		server.stubFor(get(urlEqualTo("/api/v1/sandboxes/abc123")).willReturn(aResponse().withStatus(502)));
		assertSameFailure(() -> b.sandboxes().get("abc123"), r.sandboxes().get("abc123"));
		assertThat(blockingSleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000))
			.isEqualTo(reactiveSleeper.sleeps());
	}

	private Throwable assertSameFailure(ThrowingCallable blockingCall, Mono<?> reactiveCall) {
		Throwable fromBlocking = catchThrowable(blockingCall);
		List<Throwable> fromReactive = new ArrayList<>();
		StepVerifier.create(reactiveCall).consumeErrorWith(fromReactive::add).verify(Duration.ofSeconds(10));
		Throwable reactiveError = fromReactive.get(0);
		// Blocking throws the exception itself: no ReactiveException or other wrapper.
		assertThat(fromBlocking).isInstanceOf(TogetherSandboxException.class)
			.hasSameClassAs(reactiveError)
			.hasMessage(reactiveError.getMessage());
		if (fromBlocking instanceof HttpException http) {
			HttpException other = (HttpException) reactiveError;
			assertThat(http.status()).isEqualTo(other.status());
			assertThat(http.operation()).isEqualTo(other.operation());
			assertThat(http.code()).isEqualTo(other.code());
			assertThat(http.getCause() == null).isEqualTo(other.getCause() == null);
		}
		if (fromBlocking instanceof SandboxLifecycleException lifecycle) {
			assertThat(lifecycle.finalStatus()).isEqualTo(((SandboxLifecycleException) reactiveError).finalStatus());
		}
		return fromBlocking;
	}

	private static <T> T block(Mono<T> mono) {
		T value = mono.block(Duration.ofSeconds(10));
		assertThat(value).isNotNull();
		return value;
	}

	private <C extends AutoCloseable> C track(C closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static String running(String id) {
		return SandboxJson.sandbox(id, "running", AGENT_URL, "tok-" + id);
	}

}
