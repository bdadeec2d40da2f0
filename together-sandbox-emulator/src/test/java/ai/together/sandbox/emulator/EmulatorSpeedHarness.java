package ai.together.sandbox.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import tools.jackson.databind.JsonNode;

/**
 * Prints the emulator's speed: start time, sandbox start to running, and {@code echo} exec
 * create to observed exit. Not a test (it never fails); run it with
 *
 * <pre>
 * ./mvnw -q -pl together-sandbox-emulator test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java \
 *     -Dexec.mainClass=ai.together.sandbox.emulator.EmulatorSpeedHarness -Dexec.classpathScope=test
 * </pre>
 */
public final class EmulatorSpeedHarness {

	private EmulatorSpeedHarness() {
	}

	public static void main(String[] args) {
		int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
		long t0 = System.nanoTime();
		SandboxEmulator emulator = SandboxEmulator.start();
		Duration startup = Duration.ofNanos(System.nanoTime() - t0);
		try (emulator) {
			EmulatorClient client = new EmulatorClient(emulator);
			String snapshot = client.createSnapshot();
			List<Long> startToRunning = new ArrayList<>();
			Sandbox sandbox = null;
			for (int i = 0; i < 20; i++) {
				String id = client.createSandbox(snapshot).get("id").asString();
				long s = System.nanoTime();
				sandbox = client.start(id);
				startToRunning.add(System.nanoTime() - s);
			}
			List<Long> echo = new ArrayList<>();
			for (int i = 0; i < runs + 20; i++) {
				long s = System.nanoTime();
				JsonNode exec = client.agent(sandbox, "POST", "/api/v1/execs",
						Map.of("command", "echo", "args", List.of("hello")), null).body();
				// Observe the exit the way a client does: the output stream ends with the exit message.
				List<JsonNode> events = EmulatorClient.sse(
						sandbox.agentUrl() + "/api/v1/stream/execs/" + exec.get("id").asString() + "/io",
						sandbox.agentToken(), e -> e.get(e.size() - 1).has("exitCode"), Duration.ofSeconds(10));
				if (!events.get(events.size() - 1).has("exitCode")) {
					throw new IllegalStateException("no exit observed");
				}
				if (i >= 20) {
					echo.add(System.nanoTime() - s);
				}
			}
			System.out.printf("emulator start:                 %6.1f ms%n", startup.toNanos() / 1e6);
			System.out.printf("sandbox start -> running:       median %6.1f ms, max %6.1f ms (20 runs)%n",
					percentile(startToRunning, 50), percentile(startToRunning, 100));
			System.out.printf("echo exec create -> exit seen:  median %6.1f ms, p99 %6.1f ms (%d runs)%n",
					percentile(echo, 50), percentile(echo, 99), runs);
		}
	}

	private static double percentile(List<Long> nanos, int p) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
		return sorted.get(Math.max(0, index)) / 1e6;
	}

}
