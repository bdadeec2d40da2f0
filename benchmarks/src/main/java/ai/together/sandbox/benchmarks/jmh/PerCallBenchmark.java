package ai.together.sandbox.benchmarks.jmh;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.benchmarks.harness.RawClients;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.retry.RetryConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Target 1, per-call overhead: one {@code files.stat} call (GET of a fixed {@code FileInfo})
 * through the blocking and the reactive SDK, against the same request with a bare
 * {@code WebClient} (same pool settings, decoded into the same record) and with the JDK
 * {@code HttpClient} (HTTP/1.1, body decoded by a Jackson mapper set up like the SDK's), all on
 * one local stub in the same JVM. More variants split the SDK's extra time: the bare
 * {@code WebClient} call with a response timeout as {@code Mono.timeout} (what the SDK's
 * transport does) and as Reactor Netty's per-request response timeout, and the reactive SDK
 * built with retries disabled (what the retry engine costs a call that succeeds at once). One
 * caller thread; the stub has its own event-loop thread. Run in
 * {@link Mode#SampleTime} for percentiles and with {@code -prof gc} for allocation per call
 * (which includes the stub's share, the same for every variant).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PerCallBenchmark {

	/** The SDK's default response timeout of non-streaming calls. */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

	private AgentStub stub;

	private ReactiveTogetherSandbox sdk;

	private Sandbox blockingSandbox;

	private ReactiveSandbox reactiveSandbox;

	private ConnectionProvider rawPool;

	private WebClient webClient;

	private URI statUri;

	private HttpClient jdkClient;

	private ReactiveTogetherSandbox sdkNoRetries;

	private ReactiveSandbox reactiveSandboxNoRetries;

	private HttpRequest jdkRequest;

	/**
	 * Starts the stub, connects the SDK to sandbox {@code bench000} and builds the raw clients.
	 */
	@Setup(Level.Trial)
	public void setUp() {
		this.stub = AgentStub.start(1, AgentStub.AgentAddressing.PORTS);
		this.sdk = RawClients.sdk(this.stub);
		TogetherSandbox blocking = this.sdk.blocking();
		this.blockingSandbox = blocking.sandboxes().start(AgentStub.sandboxId(0));
		this.reactiveSandbox = this.blockingSandbox.reactive();
		this.rawPool = RawClients.sdkLikePool("raw-baseline");
		this.webClient = RawClients.webClient(this.rawPool);
		this.statUri = RawClients.statUri(this.stub, 0);
		this.jdkClient = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		// The same public call path with the retry engine's cheapest configuration: one attempt.
		this.sdkNoRetries = RawClients.sdk(this.stub, RetryConfig.disabled());
		this.reactiveSandboxNoRetries = this.sdkNoRetries.sandboxes()
			.start(AgentStub.sandboxId(0))
			.block(Duration.ofSeconds(30));
		this.jdkRequest = HttpRequest.newBuilder(this.statUri)
			.header("Authorization", "Bearer " + AgentStub.AGENT_TOKEN)
			.GET()
			.build();
	}

	/**
	 * Releases the clients and stops the stub.
	 */
	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.sdkNoRetries != null) {
			this.sdkNoRetries.close();
		}
		if (this.rawPool != null) {
			this.rawPool.disposeLater().block(Duration.ofSeconds(10));
		}
		if (this.stub != null) {
			this.stub.close();
		}
	}

	/**
	 * {@code sandbox.files().stat(path)} through {@code TogetherSandbox}.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo sdkBlocking() {
		return this.blockingSandbox.files().stat(AgentStub.STAT_PATH);
	}

	/**
	 * {@code sandbox.files().stat(path).block()} through {@code ReactiveTogetherSandbox}.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo sdkReactive() {
		return this.reactiveSandbox.files().stat(AgentStub.STAT_PATH).block();
	}

	/**
	 * {@code sandbox.files().stat(path).block()} through a {@code ReactiveTogetherSandbox} built
	 * with {@link RetryConfig#disabled()}.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo sdkReactiveNoRetries() {
		return this.reactiveSandboxNoRetries.files().stat(AgentStub.STAT_PATH).block();
	}

	/**
	 * The same GET with a bare {@code WebClient}, {@code bodyToMono(FileInfo.class).block()}.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo rawWebClient() {
		return RawClients.stat(this.webClient, this.statUri).block();
	}

	/**
	 * The bare {@code WebClient} call plus {@code Mono.timeout(60 s)}, as the SDK's transport
	 * applies its response timeout: isolates what that timer costs per call.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo rawWebClientMonoTimeout() {
		return RawClients.stat(this.webClient, this.statUri).timeout(RESPONSE_TIMEOUT).block();
	}

	/**
	 * The bare {@code WebClient} call with the same timeout set as Reactor Netty's per-request
	 * response timeout (a timer on the connection's own event loop): the cost of the alternative.
	 * @return the file information
	 */
	@Benchmark
	public FileInfo rawWebClientNettyTimeout() {
		return this.webClient.get()
			.uri(this.statUri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + AgentStub.AGENT_TOKEN)
			.httpRequest((request) -> ((HttpClientRequest) request.getNativeRequest()).responseTimeout(RESPONSE_TIMEOUT))
			.retrieve()
			.bodyToMono(FileInfo.class)
			.block();
	}

	/**
	 * The same GET with the JDK {@code HttpClient}, the body read with the baselines' Jackson mapper.
	 * @return the file information
	 * @throws IOException on a failed request
	 * @throws InterruptedException when interrupted
	 */
	@Benchmark
	public FileInfo rawJdkHttpClient() throws IOException, InterruptedException {
		HttpResponse<byte[]> response = this.jdkClient.send(this.jdkRequest, HttpResponse.BodyHandlers.ofByteArray());
		if (response.statusCode() != 200) {
			throw new IOException("file_stat returned HTTP " + response.statusCode());
		}
		return RawClients.json().readValue(response.body(), FileInfo.class);
	}

}
