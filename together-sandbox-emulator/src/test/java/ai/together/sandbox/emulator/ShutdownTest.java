package ai.together.sandbox.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the emulator is prompt: no fixed wait on the way out, and every process it started is
 * killed at once rather than one after the other.
 */
class ShutdownTest {

	private static final Log logger = LogFactory.getLog(ShutdownTest.class);

	/**
	 * Far more than closing takes (a few tens of milliseconds on a quiet machine), far less than a
	 * single fixed two-second wait.
	 */
	private static final Duration CLOSE_BOUND = Duration.ofMillis(1500);

	@Test
	void closeKillsEveryProcessAtOnceWithoutFixedWaits() {
		SandboxEmulator emulator = SandboxEmulator.start();
		List<ProcessHandle> processes = new ArrayList<>();
		try {
			EmulatorClient client = new EmulatorClient(emulator);
			Sandbox first = client.newSandbox(client.createSnapshot());
			Sandbox second = client.newSandbox(client.createSnapshot());
			for (Sandbox sandbox : List.of(first, second)) {
				for (int i = 0; i < 3; i++) {
					processes.add(exec(client, sandbox, "sleep", List.of("60")));
				}
				// Ignores SIGTERM, and keeps a child (not the exec's own process) that ignores it too.
				ProcessHandle stubborn = exec(client, sandbox, "sh", List.of("-c", "trap '' TERM; sleep 60; echo done"));
				processes.add(stubborn);
				processes.add(await().atMost(Duration.ofSeconds(10))
					.until(() -> stubborn.children().findFirst(), child -> child.isPresent())
					.orElseThrow());
			}
			assertThat(processes).allMatch(ProcessHandle::isAlive);
		}
		catch (RuntimeException | Error ex) {
			emulator.close();
			throw ex;
		}
		long start = System.nanoTime();
		emulator.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		logger.info("SandboxEmulator.close() with " + processes.size() + " processes took " + took.toMillis() + " ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
		assertThat(took).as("SandboxEmulator.close()").isLessThan(CLOSE_BOUND);
	}

	@Test
	void closeWithoutProcessesIsPrompt() {
		SandboxEmulator emulator = SandboxEmulator.start();
		// A kept-alive connection of the client is still open when the server stops.
		new EmulatorClient(emulator).createSnapshot();
		long start = System.nanoTime();
		emulator.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		logger.info("SandboxEmulator.close() without processes took " + took.toMillis() + " ms");
		assertThat(took).as("SandboxEmulator.close()").isLessThan(CLOSE_BOUND);
	}

	private static ProcessHandle exec(EmulatorClient client, Sandbox sandbox, String command, List<String> args) {
		long pid = client.agent(sandbox, "POST", "/api/v1/execs", Map.of("command", command, "args", args), "ExecItem")
			.body()
			.get("pid")
			.asLong();
		return ProcessHandle.of(pid).orElseThrow();
	}

}
