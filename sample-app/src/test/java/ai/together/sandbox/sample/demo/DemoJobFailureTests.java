package ai.together.sandbox.sample.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.sample.SampleAppTest;
import ai.together.sandbox.sample.SampleProperties;
import ai.together.sandbox.sample.SnapshotRegistration;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo job shuts its sandbox down also when a step fails or the application stops, and
 * reports the failure.
 */
@SampleAppTest
class DemoJobFailureTests {

	@Autowired
	private TogetherSandbox sdk;

	@Autowired
	private ObjectProvider<CreateSandboxRequest.Builder> requestBuilder;

	@Autowired
	private SnapshotRegistration snapshots;

	@Autowired
	private SampleProperties properties;

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@Test
	void commandThatFailsStillShutsTheSandboxDown() {
		DemoReport report = run(new DemoProject(Map.of("fail.sh", "echo giving up >&2\nexit 3\n"), "sh",
				List.of("fail.sh"), "result.txt"));

		assertThat(report.succeeded()).isFalse();
		assertThat(report.exitCode()).isEqualTo(3);
		assertThat(report.stderr()).isEqualTo("giving up\n");
		assertThat(report.failure()).isInstanceOf(TogetherSandboxException.class)
			.hasMessageContaining("exited with 3");
		assertThat(report.result()).isNull();
		assertShutDown(report);
		assertThat(report.summary()).contains("Demo FAILED");
	}

	@Test
	void missingResultFileStillShutsTheSandboxDown() {
		DemoReport report = run(new DemoProject(Map.of("noop.sh", "echo nothing to write\n"), "sh",
				List.of("noop.sh"), "result.txt"));

		assertThat(report.exitCode()).isZero();
		assertThat(report.failure()).isInstanceOfSatisfying(HttpException.class,
				(error) -> assertThat(error.status()).isEqualTo(404));
		assertThat(report.succeeded()).isFalse();
		assertShutDown(report);
		assertThat(report.timings()).containsKeys("run", "read", "shutdown").doesNotContainKey("list");
	}

	@Test
	void stoppingTheApplicationDuringTheCommandStillShutsTheSandboxDown() throws Exception {
		DemoJob job = job(new DemoProject(Map.of("wait.sh", "echo waiting\nsleep 31\n"), "sh", List.of("wait.sh"),
				"result.txt"));
		job.start();
		CompletableFuture<DemoReport> running = CompletableFuture.supplyAsync(job::run);
		ProcessHandle command = await().atMost(Duration.ofSeconds(20))
			.until(DemoJobFailureTests::sleepProcesses, (found) -> found.size() == 1)
			.get(0);
		// The command's first line has reached the job (it prints what it receives).
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.console.toString(StandardCharsets.UTF_8).contains("| waiting"));

		// What the application context does when it closes.
		job.stop();

		assertThat(job.isRunning()).isFalse();
		// stop() returned only after the run had shut its sandbox down: the job prints that line
		// before run() returns. (The future itself completes a moment after run() has returned,
		// on the pool's thread, so it cannot be asserted done at this point.)
		assertThat(this.console.toString(StandardCharsets.UTF_8)).contains(" shut down: stopped");
		DemoReport report = running.get(10, TimeUnit.SECONDS);
		assertThat(report.failure()).hasMessageContaining("stopping");
		assertThat(report.stdout()).isEqualTo("waiting\n");
		assertShutDown(report);
		await().atMost(Duration.ofSeconds(5)).until(() -> !command.isAlive());
	}

	private DemoReport run(DemoProject project) {
		return job(project).run();
	}

	private DemoJob job(DemoProject project) {
		return new DemoJob(this.sdk, this.requestBuilder, this.snapshots, this.properties, project,
				new PrintStream(this.console, true, StandardCharsets.UTF_8));
	}

	/** The {@code sleep 31} processes this JVM started, through the embedded emulator. */
	private static List<ProcessHandle> sleepProcesses() {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info().command().map((path) -> path.endsWith("/sleep")).orElse(false))
			.filter((process) -> process.info().arguments().map((args) -> List.of(args).equals(List.of("31")))
				.orElse(false))
			.toList();
	}

	private void assertShutDown(DemoReport report) {
		assertThat(report.sandboxId()).isNotNull();
		assertThat(report.finalStatus()).isEqualTo("stopped");
		assertThat(this.sdk.sandboxes().get(report.sandboxId()).status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(this.console.toString(StandardCharsets.UTF_8))
			.contains("[demo] sandbox " + report.sandboxId() + " shut down: stopped");
	}

}
