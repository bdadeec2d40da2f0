package ai.together.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.testing.FakeSandboxExtension;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import reactor.core.publisher.Mono;

/**
 * Test fixtures shared by the core tests: clients whose retries never really sleep and that
 * never read the real environment, and WireMock servers bound to 127.0.0.1.
 */
public final class TestClients {

	/** The API key the test clients send. */
	public static final String API_KEY = FakeSandboxExtension.API_KEY;

	private TestClients() {
	}

	/**
	 * A WireMock extension on 127.0.0.1 and a random port, reset before each test and stopped
	 * after the class.
	 * @return the extension
	 */
	public static WireMockExtension wireMock() {
		return WireMockExtension.newInstance()
			.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
			.build();
	}

	/**
	 * A {@link FakeSandboxExtension} whose clients come from {@link #builder(String, RecordingSleeper)}.
	 * @return the extension
	 */
	public static FakeSandboxExtension fakeSandbox() {
		return hermetic(FakeSandboxExtension.create());
	}

	/**
	 * A {@link FakeSandboxExtension} on a WireMock server whose clients come from
	 * {@link #builder(String, RecordingSleeper)}.
	 * @param server the WireMock server, registered before the extension
	 * @return the extension
	 */
	public static FakeSandboxExtension fakeSandbox(WireMockExtension server) {
		return hermetic(FakeSandboxExtension.onWireMock(server));
	}

	private static FakeSandboxExtension hermetic(FakeSandboxExtension extension) {
		return extension.clientFactory((baseUrl) -> builder(baseUrl, new RecordingSleeper()));
	}

	/**
	 * A snapshots namespace over a client context, with chosen build settings (environment,
	 * {@code docker} executable, log-stream pauses, clock), made through the constructor the
	 * client itself uses.
	 * @param context the client context
	 * @param settings the build settings
	 * @return the namespace
	 */
	public static ReactiveSnapshots snapshots(ClientContext context, BuildSettings settings) {
		return new ReactiveSnapshots(context, settings);
	}

	/**
	 * A blocking-client builder for a server: API key {@link #API_KEY}, an empty environment,
	 * sleeps recorded instead of slept, zero jitter.
	 * @param baseUrl the server's origin
	 * @param sleeper records the retry delays
	 * @return the builder
	 */
	public static TogetherSandbox.Builder builder(String baseUrl, RecordingSleeper sleeper) {
		return builder(baseUrl, sleeper, () -> 0.0);
	}

	/**
	 * A blocking-client builder with a chosen jitter source.
	 * @param baseUrl the server's origin
	 * @param sleeper records the retry delays
	 * @param random the jitter source
	 * @return the builder
	 */
	public static TogetherSandbox.Builder builder(String baseUrl, RecordingSleeper sleeper, DoubleSupplier random) {
		return TogetherSandbox.builder()
			.apiKey(API_KEY)
			.baseUrl(baseUrl)
			.environment(Map.<String, String>of()::get)
			.retryTiming(sleeper, random);
	}

	/**
	 * A reactive-client builder for a server, like {@link #builder(String, RecordingSleeper)}.
	 * @param baseUrl the server's origin
	 * @param sleeper records the retry delays
	 * @return the builder
	 */
	public static ReactiveTogetherSandbox.Builder reactiveBuilder(String baseUrl, RecordingSleeper sleeper) {
		return ReactiveTogetherSandbox.builder()
			.apiKey(API_KEY)
			.baseUrl(baseUrl)
			.environment(Map.<String, String>of()::get)
			.retryTiming(sleeper, () -> 0.0);
	}

	/**
	 * A sleeper that records each delay and returns at once.
	 */
	public static final class RecordingSleeper implements RetryEngine.Sleeper {

		private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Void> sleep(Duration delay) {
			this.sleeps.add(delay);
			return Mono.empty();
		}

		/**
		 * The delays asked for so far, in order.
		 * @return the delays
		 */
		public List<Duration> sleeps() {
			return List.copyOf(this.sleeps);
		}

	}

}
