package ai.together.sandbox.internal.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The transport's timeouts cost no Reactor scheduler task per call or per chunk (on Reactor
 * Netty they are the connection's own read timeout), and still fire with the messages that name
 * their setting; on another connector they fall back to Reactor timers.
 */
class TransportTimersTest {

	private static final String HOOK = "transport-timers-test";

	private static final String GET_PATH = "/api/v1/sandboxes/abc123";

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private final AtomicInteger scheduled = new AtomicInteger();

	@BeforeEach
	void countScheduledTasks() {
		Schedulers.onScheduleHook(HOOK, (task) -> {
			this.scheduled.incrementAndGet();
			return task;
		});
	}

	@AfterEach
	void removeHook() {
		Schedulers.resetOnScheduleHook(HOOK);
	}

	@Test
	void aCallSchedulesNoTimer() {
		server.stubFor(get(GET_PATH)
			.willReturn(okJson(SandboxJson.sandbox("abc123", "running", "http://127.0.0.1:1/agent", "tok"))));
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new TestClients.RecordingSleeper()).build()) {
			sdk.sandboxes().get("abc123");
			this.scheduled.set(0);
			for (int i = 0; i < 20; i++) {
				assertThat(sdk.sandboxes().get("abc123").id()).isEqualTo("abc123");
			}
		}
		assertThat(this.scheduled).as("Reactor scheduler tasks for 20 calls").hasValue(0);
	}

	@Test
	void aStreamWithAnIdleTimeoutSchedulesNoTimerPerChunk() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			body.append("data: {\"n\":").append(i).append("}\n\n");
		}
		server.stubFor(get("/stream").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(body.toString())
			.withChunkedDribbleDelay(20, 200)));
		try (HttpTransport transport = new HttpTransport(WebClient.create(),
				new RetryEngine(RetryConfig.disabled()), Duration.ofSeconds(5), null)) {
			ApiCall call = ApiCall.of("test.stream", null, HttpMethod.GET,
					URI.create(server.baseUrl() + "/stream"), "token");
			// The first exchange finds out which connector the WebClient has.
			read(transport, call);
			this.scheduled.set(0);
			List<byte[]> chunks = read(transport, call);
			assertThat(new String(join(chunks), StandardCharsets.UTF_8)).isEqualTo(body.toString());
			assertThat(chunks).as("chunks").hasSizeGreaterThan(5);
		}
		assertThat(this.scheduled).as("Reactor scheduler tasks for one stream").hasValue(0);
	}

	@Test
	void theResponseTimeoutStillNamesItsSettingOnAnotherConnector() {
		server.stubFor(get(GET_PATH).willReturn(okJson("{}").withFixedDelay(1500)));
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new TestClients.RecordingSleeper())
			.webClientBuilder(WebClient.builder().clientConnector(new JdkClientHttpConnector()))
			.responseTimeout(Duration.ofMillis(300))
			.retry(RetryConfig.disabled())
			.build()) {
			HttpException ex = catchThrowableOfType(HttpException.class, () -> sdk.sandboxes().get("abc123"));
			assertThat(ex.getMessage()).contains("no response within 300ms (responseTimeout)");
		}
	}

	private static List<byte[]> read(HttpTransport transport, ApiCall call) {
		return transport.stream(call, Duration.ofSeconds(5)).map((buffer) -> {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			DataBufferUtils.release(buffer);
			return bytes;
		}).collectList().block(Duration.ofSeconds(10));
	}

	private static byte[] join(List<byte[]> chunks) {
		int size = chunks.stream().mapToInt((chunk) -> chunk.length).sum();
		byte[] all = new byte[size];
		int at = 0;
		for (byte[] chunk : chunks) {
			System.arraycopy(chunk, 0, all, at, chunk.length);
			at += chunk.length;
		}
		return all;
	}

}
