package ai.together.sandbox.test;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With an account exported in the environment ({@code TOGETHER_API_KEY}, an unreachable
 * {@code TOGETHER_BASE_URL}, {@code TOGETHER_SANDBOX_EMULATOR_MODE=never}) and another key in the
 * properties, the annotation runs the test against the emulator, and neither key reaches the
 * logs.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = EmulatorTestApplication.class,
		properties = { "together.sandbox.api-key=" + EmulatorTestApplication.CONFIGURED_API_KEY,
				"together.sandbox.retry.max-attempts=1", "spring.main.web-application-type=none",
				"logging.level.ai.together.sandbox=debug", "logging.level.org.springframework.boot.autoconfigure=debug" })
@ContextConfiguration(initializers = FakeEnvironmentVariables.class)
@AutoConfigureTogetherSandboxEmulator
class EnvironmentVariablesTests {

	@Autowired
	private TogetherSandbox client;

	@Autowired
	private SandboxEmulator emulator;

	@Test
	void usesTheEmulatorAndLogsNoKey(CapturedOutput output) {
		assertThat(this.client.baseUrl()).isEqualTo(this.emulator.baseUrl())
			.isNotEqualTo(EmulatorTestApplication.UNREACHABLE_BASE_URL);
		SandboxInfo created = this.client.sandboxes().create(CreateSandboxRequest.fromSnapshotId(
				this.client.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId()));
		try {
			Sandbox sandbox = this.client.sandboxes().start(created.id());
			sandbox.files().create("/data/note.txt", "written through the emulator");
			assertThat(sandbox.files().read("/data/note.txt")).isEqualTo("written through the emulator");
		}
		finally {
			this.client.sandboxes().delete(created.id());
		}
		// The startup log, with debug on, names what it ignores but no value.
		assertThat(output).contains("the client uses the embedded emulator at " + this.emulator.baseUrl())
			.contains("ignores the API key")
			.doesNotContain(EmulatorTestApplication.CONFIGURED_API_KEY)
			.doesNotContain(EmulatorTestApplication.ENVIRONMENT_API_KEY);
	}

}
