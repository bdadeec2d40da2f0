package ai.together.sandbox.sample.demo;

import java.util.List;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.sandboxes.SandboxStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the application as README's run command does (the {@code demo} profile) on the embedded
 * emulator, and checks what the demo job did and printed.
 */
@SpringBootTest(properties = "spring.profiles.active=demo")
@ExtendWith(OutputCaptureExtension.class)
class DemoJobTests {

	@Autowired
	private DemoRunner runner;

	@Autowired
	private TogetherSandbox sdk;

	@Test
	void demoRunsTheProjectInASandboxAndShutsItDown(CapturedOutput output) {
		DemoReport report = this.runner.report();
		assertThat(report).isNotNull();
		assertThat(report.failure()).isNull();
		assertThat(report.succeeded()).isTrue();
		assertThat(this.runner.getExitCode()).isZero();

		assertThat(report.baseUrl()).startsWith("http://127.0.0.1:");
		assertThat(report.exitCode()).isZero();
		assertThat(report.stdout())
			.isEqualTo("line 1: 5 words\nline 2: 3 words\nline 3: 7 words\nwrote result.txt\n");
		assertThat(report.stderr()).isEqualTo("counted 15 words in 3 lines\n");
		// The output came in pieces as it was produced (the script pauses between lines), not at once.
		assertThat(report.outputMessages()).isGreaterThan(3);
		assertThat(report.result()).isEqualTo("lines=3\nwords=15\n");
		assertThat(report.files()).hasSize(3)
			.anySatisfy((file) -> assertThat(file).startsWith("count.sh ("))
			.anySatisfy((file) -> assertThat(file).isEqualTo("result.txt (17 B)"))
			.anySatisfy((file) -> assertThat(file).isEqualTo("words.txt (" + DemoProject.WORDS.length() + " B)"));
		assertThat(report.ports()).isEmpty();
		assertThat(report.timings()).containsOnlyKeys("snapshot", "create", "start", "write", "run", "read", "list",
				"shutdown");
		assertThat(report.timings().get("run")).isPositive();
		assertThat(report.total()).isGreaterThanOrEqualTo(report.timings().get("run"));

		// The sandbox was shut down, as the emulator itself reports.
		assertThat(report.finalStatus()).isEqualTo("stopped");
		assertThat(this.sdk.sandboxes().get(report.sandboxId()).status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(this.sdk.sandboxes().list()).allSatisfy(
				(sandbox) -> assertThat(sandbox.status()).isNotEqualTo(SandboxStatus.RUNNING));

		// The command's lines were printed as they streamed, before the summary.
		String console = output.getOut();
		List<String> expectedInOrder = List.of("[demo] $ sh count.sh", "| line 1: 5 words", "| line 2: 3 words",
				"| line 3: 7 words", "| counted 15 words in 3 lines", "[demo] sandbox " + report.sandboxId()
						+ " shut down: stopped",
				"== Together Sandbox demo summary ==", "result     lines=3 words=15", "Demo OK");
		assertThat(console).containsSubsequence(expectedInOrder);
		assertThat(console).contains(report.summary());
	}

}
