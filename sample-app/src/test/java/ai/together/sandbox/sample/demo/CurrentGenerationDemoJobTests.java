package ai.together.sandbox.sample.demo;

import java.util.List;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxFilter;
import ai.together.sandbox.current.StatusReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo as {@code -Dsample.profiles=demo,current} does, on the embedded emulator: the same
 * project through {@code sdk.current()}, a sandbox created running and terminated at the end.
 */
@SpringBootTest(properties = "spring.profiles.active=demo,current")
@ExtendWith(OutputCaptureExtension.class)
class CurrentGenerationDemoJobTests {

	@Autowired
	private DemoRunner runner;

	@Autowired
	private TogetherSandbox sdk;

	@Test
	void demoRunsTheProjectOnTheCurrentGenerationAndTerminatesTheSandbox(CapturedOutput output) {
		DemoReport report = this.runner.report();
		assertThat(report).isNotNull();
		assertThat(report.failure()).isNull();
		assertThat(this.runner.getExitCode()).isZero();
		assertThat(report.baseUrl()).startsWith("http://127.0.0.1:");
		assertThat(report.exitCode()).isZero();
		assertThat(report.stdout())
			.isEqualTo("line 1: 5 words\nline 2: 3 words\nline 3: 7 words\nwrote result.txt\n");
		assertThat(report.result()).isEqualTo("lines=3\nwords=15\n");
		assertThat(report.files()).hasSize(3).contains("result.txt (17 B)");
		// Created running: no start step; terminated rather than shut down.
		assertThat(report.timings()).containsOnlyKeys("snapshot", "create", "write", "run", "read", "list",
				"terminate");
		assertThat(report.finalStatus()).isEqualTo("terminated");

		// A sandbox of the current generation, as the emulator's /v1 API reports it; none on the seed's.
		assertThat(report.sandboxId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
		assertThat(this.sdk.current().sandboxes().get(report.sandboxId()).statusReason())
			.isEqualTo(StatusReason.TERMINATION_REQUESTED);
		assertThat(this.sdk.current().sandboxes().list(SandboxFilter.builder().statuses(LifecycleStatus.RUNNING).build()))
			.isEmpty();
		assertThat(this.sdk.sandboxes().list()).isEmpty();

		assertThat(output.getOut()).containsSubsequence(List.of("(current API generation): running",
				"[demo] $ sh count.sh", "| line 3: 7 words",
				"[demo] sandbox " + report.sandboxId() + " terminated: terminated", "Demo OK"));
	}

}
