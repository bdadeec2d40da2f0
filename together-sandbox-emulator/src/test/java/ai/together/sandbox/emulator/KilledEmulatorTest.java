package ai.together.sandbox.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An emulator killed with SIGKILL leaves nothing behind for long: with namespaces its sandboxes'
 * processes die with it; without, the next emulator to start kills them; and the next emulator
 * deletes its temporary data directory.
 */
class KilledEmulatorTest {

	private static final Pattern EXPORT = Pattern.compile("export TOGETHER_BASE_URL=(\\S+) TOGETHER_API_KEY=(\\S+)");

	/** A child JVM running the emulator's main class, with what its banner said. */
	private record Child(Process process, String baseUrl, String apiKey, Path dataDirectory, String isolation) {
	}

	private static Child startChild(String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				EmulatorMain.class.getName(), "--port", "0"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String baseUrl = null;
		String apiKey = null;
		Path dataDirectory = null;
		String line;
		while ((line = out.readLine()) != null) {
			Matcher export = EXPORT.matcher(line.trim());
			if (export.matches()) {
				baseUrl = export.group(1);
				apiKey = export.group(2);
			}
			if (line.startsWith("Data directory: ")) {
				dataDirectory = Path.of(line.substring("Data directory: ".length()));
			}
			if (line.startsWith("Exec isolation: ")) {
				return new Child(process, baseUrl, apiKey, dataDirectory, line.substring("Exec isolation: ".length()));
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("the emulator exited before its banner");
	}

	/** Starts processes a stop must end: a plain one and a double-forked one, each with a marker. */
	private static List<String> startProcesses(Child child) {
		EmulatorClient client = new EmulatorClient(child.baseUrl(), child.apiKey());
		Sandbox sandbox = client.newSandbox(client.createSnapshot());
		String plain = "sleep " + ExecIsolationTest.uniqueSleep();
		String doubleForked = "sleep " + ExecIsolationTest.uniqueSleep();
		for (List<String> command : List.of(List.of("sh", "-c", plain), List.of("sh", "-c", "(" + doubleForked + " &) &"))) {
			assertThat(client.agent(sandbox, "POST", "/api/v1/execs",
					Map.of("command", command.get(0), "args", command.subList(1, command.size())), "ExecItem").status())
				.isEqualTo(201);
		}
		List<String> markers = List.of(plain, doubleForked);
		for (String marker : markers) {
			await().atMost(ExecIsolationTest.PATIENCE).until(() -> !ExecIsolationTest.processesWith(marker).isEmpty());
		}
		return markers;
	}

	private static boolean anyRunning(List<String> markers) {
		return markers.stream().anyMatch(marker -> !ExecIsolationTest.processesWith(marker).isEmpty());
	}

	private static void killLeftovers(List<String> markers) {
		markers.forEach(marker -> ExecIsolationTest.processesWith(marker).forEach(ProcessHandle::destroyForcibly));
	}

	private static void sigkill(Child child) throws InterruptedException {
		// destroyForcibly is SIGKILL: no shutdown hook runs.
		child.process().destroyForcibly();
		assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void withNamespacesProcessesDieWithTheEmulatorAndTheNextOneDeletesItsDirectory() throws Exception {
		Child child = startChild();
		List<String> markers = List.of();
		try {
			Namespaces.assumeIn(child.isolation().equals("namespaces"));
			markers = startProcesses(child);
			sigkill(child);
			List<String> started = markers;
			await().atMost(ExecIsolationTest.PATIENCE).until(() -> !anyRunning(started));
			assertThat(child.dataDirectory()).exists();
			try (SandboxEmulator next = SandboxEmulator.start()) {
				assertThat(child.dataDirectory()).doesNotExist();
			}
		}
		finally {
			child.process().destroyForcibly();
			killLeftovers(markers);
		}
	}

	@Test
	void withoutNamespacesTheNextEmulatorKillsTheProcessesAndDeletesTheDirectory() throws Exception {
		Child child = startChild("--isolation", "none");
		List<String> markers = List.of();
		try {
			markers = startProcesses(child);
			sigkill(child);
			// Nothing kills them with the emulator: processes of this machine have no parent to die with.
			assertThat(anyRunning(markers)).isTrue();
			try (SandboxEmulator next = SandboxEmulator.start()) {
				assertThat(anyRunning(markers)).isFalse();
				assertThat(child.dataDirectory()).doesNotExist();
			}
		}
		finally {
			child.process().destroyForcibly();
			killLeftovers(markers);
		}
	}

}
