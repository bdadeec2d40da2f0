package ai.together.sandbox.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.snapshots.SnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: snapshots and aliases registered from the options, so that README's first example
 * ({@code fromSnapshotAlias("my-app@v1")}) works against a fresh emulator.
 */
class SnapshotAliasPreregistrationTest {

	@TempDir
	Path data;

	@Test
	void createsASandboxFromAPreregisteredAlias() {
		try (SandboxEmulator emulator = SandboxEmulator
			.start(EmulatorOptions.builder().snapshotAliases(List.of("my-app@v1", "team@latest")).build());
				TogetherSandbox sdk = TogetherSandbox.builder()
					.baseUrl(emulator.baseUrl())
					.apiKey(emulator.apiKey())
					.build()) {
			SnapshotInfo snapshot = sdk.snapshots().getByAlias("my-app@v1");
			assertThat(snapshot.id()).matches("[0-9a-f-]{36}");
			assertThat(sdk.snapshots().getByAlias("team@latest").id()).isNotEqualTo(snapshot.id());
			SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(sdk.sandboxes().get(created.id()).id()).isEqualTo(created.id()));
		}
	}

	@Test
	void keepsAnExistingAliasAcrossRestarts() {
		EmulatorOptions options = EmulatorOptions.builder()
			.dataDirectory(this.data)
			.snapshotAliases(List.of("my-app@v1"))
			.build();
		String first;
		try (SandboxEmulator emulator = SandboxEmulator.start(options);
				TogetherSandbox sdk = client(emulator)) {
			first = sdk.snapshots().getByAlias("my-app@v1").id();
		}
		try (SandboxEmulator emulator = SandboxEmulator.start(options); TogetherSandbox sdk = client(emulator)) {
			assertThat(sdk.snapshots().getByAlias("my-app@v1").id()).isEqualTo(first);
			assertThat(sdk.snapshots().list()).hasSize(1);
		}
	}

	@Test
	void rejectsAliasesThatAreNotNamespaceAtAlias() {
		for (String bad : List.of("", " ", "plain", "@v1", "app@", "a@b@c", "my app@v1", "team/app@v1", "app@v1\u0000")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> EmulatorOptions.builder().snapshotAliases(List.of(bad)))
				.withMessageContaining("namespace@alias");
		}
	}

	@Test
	void parsesTheSnapshotAliasAndTimeoutFlags() {
		EmulatorOptions options = EmulatorMain.parse(new String[] { "--snapshot-alias", "my-app@v1",
				"--snapshot-alias=a@b, c@d", "--request-head-timeout", "3s", "--idle-timeout=500ms" });
		assertThat(options.snapshotAliases()).containsExactly("my-app@v1", "a@b", "c@d");
		assertThat(options.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.idleTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(EmulatorMain.parse(new String[] { "--idle-timeout", "PT2M" }).idleTimeout())
			.isEqualTo(Duration.ofMinutes(2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmulatorMain.parse(new String[] { "--snapshot-alias", "plain" }))
			.withMessageContaining("--snapshot-alias");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmulatorMain.parse(new String[] { "--idle-timeout", "soon" }))
			.withMessageContaining("--idle-timeout");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmulatorMain.parse(new String[] { "--request-head-timeout", "0s" }))
			.withMessageContaining("--request-head-timeout");
		java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
		EmulatorMain.usage(new java.io.PrintStream(help, true, java.nio.charset.StandardCharsets.UTF_8));
		assertThat(help.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--snapshot-alias")
			.contains("--request-head-timeout")
			.contains("--idle-timeout");
	}

	private static TogetherSandbox client(SandboxEmulator emulator) {
		return TogetherSandbox.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build();
	}

}
