package ai.together.sandbox.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An acknowledged change survives the emulator being killed outright: the emulator runs as a child
 * JVM, is sent SIGKILL while creations are still in flight, and every creation it answered with 201
 * is there after a restart on the same data directory.
 */
class StateDurabilityTest {

	private static final Log logger = LogFactory.getLog(StateDurabilityTest.class);

	private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

	private static final int CREATES = 300;

	@TempDir
	Path dataDirectory;

	@TempDir
	Path logs;

	@Test
	void everyAcknowledgedCreationSurvivesSigkill() throws Exception {
		Set<String> acknowledged = new HashSet<>();
		long t0 = System.nanoTime();
		Emulator first = Emulator.start(this.dataDirectory, this.logs.resolve("first.log"));
		long t1 = System.nanoTime();
		try {
			String snapshotId = first.send("POST", "/snapshots", "{\"image\":\"alpine:latest\"}").get().body()
				.get("id").asString();
			AtomicInteger answered = new AtomicInteger();
			List<CompletableFuture<Reply>> creates = new ArrayList<>();
			for (int i = 0; i < CREATES; i++) {
				creates.add(first.send("POST", "/sandboxes", "{\"millicpu\":250,\"memory_bytes\":1,\"disk_bytes\":1,"
						+ "\"snapshot_id\":\"" + snapshotId + "\"}").whenComplete((reply, ex) -> answered.incrementAndGet()));
			}
			// Killed in the middle of the burst, as seen by the emulator (each creation makes its
			// directory first): some creations are answered, others are not yet.
			Path sandboxes = this.dataDirectory.resolve("sandboxes");
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(5))
				.until(() -> directories(sandboxes) >= CREATES / 3);
			first.kill();
			logger.info("emulator started in " + (t1 - t0) / 1_000_000 + " ms; SIGKILL "
					+ (System.nanoTime() - t1) / 1_000_000 + " ms after, with " + directories(sandboxes)
					+ " sandbox directories made and " + answered.get() + " of " + CREATES + " creations answered");
			for (CompletableFuture<Reply> create : creates) {
				try {
					Reply reply = create.get(30, TimeUnit.SECONDS);
					if (reply.status() == 201) {
						acknowledged.add(reply.body().get("id").asString());
					}
				}
				catch (ExecutionException ex) {
					// Not answered before the kill: nothing was promised.
				}
			}
		}
		finally {
			first.kill();
		}
		assertThat(acknowledged).isNotEmpty();
		Emulator second = Emulator.start(this.dataDirectory, this.logs.resolve("second.log"));
		try {
			Set<String> listed = new HashSet<>();
			for (JsonNode sandbox : second.send("GET", "/sandboxes", null).get().body()) {
				listed.add(sandbox.get("id").asString());
			}
			Set<String> lost = new HashSet<>(acknowledged);
			lost.removeAll(listed);
			logger.info(acknowledged.size() + " acknowledged, " + listed.size() + " after the restart");
			assertThat(lost).as("acknowledged with 201 (%d) but gone after SIGKILL and a restart", acknowledged.size())
				.isEmpty();
		}
		finally {
			second.kill();
		}
	}

	private static long directories(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.count();
		}
	}

	record Reply(int status, JsonNode body) {
	}

	/** The emulator in a JVM of its own, started with the test's class path. */
	record Emulator(Process process, String baseUrl, HttpClient http) {

		static Emulator start(Path dataDirectory, Path log) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			// Quick to start: no optimizing compiler, one GC thread.
			Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
					EmulatorMain.class.getName(), "--port", "0", "--api-key", "durability-key", "--data-dir",
					dataDirectory.toString())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				String baseUrl = await().atMost(Duration.ofSeconds(30)).until(() -> {
					if (!process.isAlive()) {
						throw new IllegalStateException("the emulator exited: " + Files.readString(log));
					}
					Matcher matcher = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
					return matcher.find() ? matcher.group(1) : null;
				}, url -> url != null);
				return new Emulator(process, baseUrl, HttpClient.newBuilder()
					.connectTimeout(Duration.ofSeconds(5))
					.version(HttpClient.Version.HTTP_1_1)
					.build());
			}
			catch (RuntimeException | Error ex) {
				process.destroyForcibly();
				throw ex;
			}
		}

		CompletableFuture<Reply> send(String method, String path, String json) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/api/v1" + path))
				.timeout(Duration.ofSeconds(30))
				.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
				.header("Authorization", "Bearer durability-key")
				.header("Content-Type", "application/json")
				.build();
			return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
				.thenApply(response -> new Reply(response.statusCode(), OpenApiSchemas.MAPPER.readTree(response.body())));
		}

		/** SIGKILL: no shutdown hook runs. */
		void kill() throws InterruptedException {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}

	}

}
