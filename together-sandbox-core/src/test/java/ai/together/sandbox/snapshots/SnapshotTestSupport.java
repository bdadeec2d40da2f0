package ai.together.sandbox.snapshots;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.ReactiveSnapshots;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.retry.RetryConfig;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Builds a {@link ReactiveSnapshots} the way the client does, but with fake build settings: a
 * chosen environment, {@code docker} executable and clock, retries and log-stream pauses that are
 * recorded instead of slept, zero jitter.
 */
final class SnapshotTestSupport {

	/** The clock of every test build: 1700000000 s after the epoch. */
	static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

	private SnapshotTestSupport() {
	}

	static BuildSettings settings(Map<String, String> environment, String dockerExecutable,
			RecordingSleeper pauses) {
		return BuildSettings.defaults()
			.withEnvironment(environment::get)
			.withDockerExecutable(dockerExecutable)
			.withLogStream(BuildSettings.DEFAULT_LOG_STREAM_ATTEMPTS, BuildSettings.DEFAULT_LOG_RECONNECT_PAUSE, pauses)
			.withClock(CLOCK);
	}

	static ReactiveSnapshots snapshots(String baseUrl, RetryConfig retry, RecordingSleeper retrySleeps,
			BuildSettings settings) {
		RetryEngine engine = new RetryEngine(retry, retrySleeps, () -> 0.0, List.of());
		HttpTransport transport = new HttpTransport(WebClient.create(), engine, Duration.ofSeconds(20), null);
		return TestClients.snapshots(new ClientContext(TestClients.API_KEY, baseUrl, transport, Duration.ofSeconds(20)),
				settings);
	}

}
