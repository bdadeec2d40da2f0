package ai.together.sandbox.benchmarks.harness;

import java.net.URI;
import java.time.Duration;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.retry.RetryConfig;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The clients measured side by side: the SDK as an application builds it, and the raw
 * baselines, a bare {@code WebClient} on a Reactor Netty pool configured exactly like the SDK's
 * own (so that any difference is the SDK's code, not its pool settings).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RawClients {

	/**
	 * The baselines' Jackson mapper, set up as the SDK reads responses: unknown properties
	 * tolerated and no cap on string length (a file arrives as one JSON string).
	 */
	private static final JsonMapper JSON = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
			.build())
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private RawClients() {
	}

	/**
	 * Returns the Jackson mapper of the baselines.
	 * @return the mapper
	 */
	public static JsonMapper json() {
		return JSON;
	}

	/**
	 * Builds the SDK client for a stub, with its defaults (own connection pool, default retry).
	 * @param stub the stub
	 * @return the client
	 */
	public static ReactiveTogetherSandbox sdk(AgentStub stub) {
		return sdk(stub, RetryConfig.defaults());
	}

	/**
	 * Builds the SDK client for a stub, with its own connection pool and the given retries.
	 * @param stub the stub
	 * @param retry the retry configuration
	 * @return the client
	 */
	public static ReactiveTogetherSandbox sdk(AgentStub stub, RetryConfig retry) {
		return ReactiveTogetherSandbox.builder().apiKey(AgentStub.API_KEY).baseUrl(stub.baseUrl()).retry(retry).build();
	}

	/** A measurement that compares the SDK with a bare {@code WebClient} on the same stub. */
	@FunctionalInterface
	public interface SideBySide<R> {

		/**
		 * Runs the measurement.
		 * @param sdk the SDK client
		 * @param raw the bare baseline client, on a pool configured like the SDK's
		 * @return the result
		 */
		R measure(ReactiveTogetherSandbox sdk, WebClient raw);

	}

	/**
	 * Opens the SDK and a bare {@code WebClient} (its own pool, configured like the SDK's) on a
	 * stub, runs a measurement with both, and releases both.
	 * @param <R> the result type
	 * @param stub the stub
	 * @param poolName the name of the baseline's pool
	 * @param measurement what to run
	 * @return the result
	 */
	public static <R> R sideBySide(AgentStub stub, String poolName, SideBySide<R> measurement) {
		ReactiveTogetherSandbox sdk = sdk(stub);
		ConnectionProvider pool = sdkLikePool(poolName);
		try {
			return measurement.measure(sdk, webClient(pool));
		}
		finally {
			sdk.close();
			pool.disposeLater().block(Duration.ofSeconds(30));
		}
	}

	/**
	 * Creates a connection pool with the settings of the SDK's own pool.
	 * @param name the pool name
	 * @return the pool; dispose it when done
	 */
	public static ConnectionProvider sdkLikePool(String name) {
		return ConnectionProvider.builder(name)
			.maxConnections(500)
			.pendingAcquireMaxCount(-1)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
	}

	/**
	 * Builds a bare {@code WebClient} on a pool.
	 * @param pool the pool
	 * @return the client
	 */
	public static WebClient webClient(ConnectionProvider pool) {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1024 * 1024))
			.build();
	}

	/**
	 * The URI of the {@code files.stat} call of a sandbox, encoded as the SDK encodes it.
	 * @param stub the stub
	 * @param index the sandbox index
	 * @return the URI
	 */
	public static URI statUri(AgentStub stub, int index) {
		return URI.create(stub.agentUrl(index) + "/api/v1/file_stat/" + encodedStatPath());
	}

	/**
	 * The same {@code files.stat} request with a bare {@code WebClient}, decoded into the same record.
	 * @param client the client
	 * @param uri the URI
	 * @return the file information
	 */
	public static Mono<FileInfo> stat(WebClient client, URI uri) {
		return client.get()
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + AgentStub.AGENT_TOKEN)
			.retrieve()
			.bodyToMono(FileInfo.class);
	}

	/**
	 * The stat path percent-encoded as one segment.
	 * @return {@code %2Fworkspace%2Fsrc%2Fmain.py}
	 */
	public static String encodedStatPath() {
		return AgentStub.STAT_PATH.replace("/", "%2F");
	}

}
