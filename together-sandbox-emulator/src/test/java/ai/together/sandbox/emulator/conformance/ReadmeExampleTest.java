package ai.together.sandbox.emulator.conformance;

import java.time.Duration;
import java.util.List;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulatorExtension;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's "Working in a running sandbox" example, as written there, through the core client
 * against the emulator: a file the files API creates at {@code /app/main.py} is the file
 * {@code python3 /app/main.py} runs. Needs execs in namespaces; skipped, with the reason, where
 * this machine has none.
 */
class ReadmeExampleTest {

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension(
			EmulatorOptions.builder().snapshotAliases(List.of("my-app@v1")).build());

	@Test
	void workingInARunningSandbox() {
		Assumptions.assumeTrue(emulator.emulator().isolation() == EmulatorOptions.Isolation.NAMESPACES,
				"README's example needs execs in Linux namespaces (bubblewrap, Debian package bubblewrap, and nsenter),"
						+ " unavailable here: the emulator runs them as processes of this machine");
		try (TogetherSandbox sdk = TogetherSandbox.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build()) {
			SandboxInfo info = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"));
			try (Sandbox sandbox = sdk.sandboxes().start(info.id())) {
				sandbox.directories().create("/app");
				sandbox.files().create("/app/main.py", "print('hello')");
				String text = sandbox.files().read("/app/main.py");
				List<FileInfo> entries = sandbox.directories().list("/app");

				ExecResult result = sandbox.execs().run(ExecRequest.of("python3", "/app/main.py"), Duration.ofMinutes(2));

				assertThat(text).isEqualTo("print('hello')");
				assertThat(entries).extracting(FileInfo::name).containsExactly("main.py");
				assertThat(result.stderr()).isEmpty();
				assertThat(result.stdout()).isEqualTo("hello\n");
				assertThat(result.exitCode()).isZero();
				sandbox.shutdown();
			}
		}
	}

}
