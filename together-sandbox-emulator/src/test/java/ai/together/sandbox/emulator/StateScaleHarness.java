package ai.together.sandbox.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints the sandbox creation rate while the data directory fills up: 10,000 creations by 8
 * clients at once, the rate of each thousand. Not part of the default build (it takes a minute or
 * more); run it with
 *
 * <pre>
 * ./mvnw -q -pl together-sandbox-emulator -am -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=StateScaleHarness -Demulator.scale.sandboxes=10000 test
 * </pre>
 */
@EnabledIfSystemProperty(named = "emulator.scale.sandboxes", matches = "\\d+")
class StateScaleHarness {

	private static final Log logger = LogFactory.getLog(StateScaleHarness.class);

	private static final int CLIENTS = 8;

	@TempDir
	Path dataDirectory;

	@Test
	void creationRateWhileTheDataDirectoryFills() throws Exception {
		int total = Integer.getInteger("emulator.scale.sandboxes");
		int block = Math.max(1, total / 10);
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(this.dataDirectory).build();
		List<String> rates = new ArrayList<>();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(emulator);
			String snapshot = client.createSnapshot();
			for (int done = 0; done < total; done += block) {
				long start = System.nanoTime();
				List<Future<?>> creations = new ArrayList<>();
				for (int i = 0; i < block; i++) {
					creations.add(clients.submit(() -> assertThat(client.management("POST", "/sandboxes",
							Map.of("millicpu", 250, "memory_bytes", 1, "disk_bytes", 1, "snapshot_id", snapshot), null)
						.status()).isEqualTo(201)));
				}
				for (Future<?> creation : creations) {
					creation.get();
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				String rate = String.format("sandboxes %5d-%5d: %6.0f creations/s", done + 1, done + block,
						block / seconds);
				rates.add(rate);
				logger.info(rate);
			}
			assertThat(client.management("GET", "/sandboxes", null, null).body().size()).isEqualTo(total);
		}
		finally {
			clients.shutdownNow();
		}
		System.out.println(String.join(System.lineSeparator(), rates));
	}

}
