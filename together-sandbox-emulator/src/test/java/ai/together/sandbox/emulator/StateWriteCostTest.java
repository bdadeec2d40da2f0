package ai.together.sandbox.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What one change costs does not grow with the number of sandboxes: the bytes this JVM writes (the
 * kernel's count of {@code /proc/self/io}, timing-free) per sandbox creation are about the same
 * with 3,000 sandboxes in the data directory as with none.
 */
class StateWriteCostTest {

	private static final Log logger = LogFactory.getLog(StateWriteCostTest.class);

	private static final Path PROC_IO = Path.of("/proc/self/io");

	private static final int EXISTING = 3000;

	private static final int MEASURED = 20;

	@TempDir
	Path empty;

	@TempDir
	Path full;

	@Test
	void bytesWrittenPerCreationDoNotGrowWithTheNumberOfSandboxes() throws IOException {
		assumeThat(Files.isReadable(PROC_IO)).as("/proc/self/io (Linux) counts the bytes written").isTrue();
		String snapshotId = "0c8f2d7e-3a51-4b9e-9f6a-1d2e3f4a5b6c";
		seed(this.empty, snapshotId, 0);
		seed(this.full, snapshotId, EXISTING);
		long small = bytesPerCreation(this.empty, snapshotId);
		long large = bytesPerCreation(this.full, snapshotId);
		logger.info("bytes written per sandbox creation: " + small + " with no other sandbox, " + large + " with "
				+ EXISTING);
		assertThat(large).as("bytes written per creation with %d sandboxes (%d with none)", EXISTING, small)
			.isLessThanOrEqualTo(2 * small + 64 * 1024);
	}

	private static long bytesPerCreation(Path dataDirectory, String snapshotId) throws IOException {
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(dataDirectory).apiKey("cost-key").build();
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(emulator);
			// Warm up: the first requests load classes and open connections.
			client.createSandbox(snapshotId);
			client.createSandbox(snapshotId);
			long before = written();
			for (int i = 0; i < MEASURED; i++) {
				client.createSandbox(snapshotId);
			}
			return (written() - before) / MEASURED;
		}
	}

	/** The bytes passed to write calls by this process so far ({@code wchar}). */
	private static long written() throws IOException {
		for (String line : Files.readAllLines(PROC_IO)) {
			if (line.startsWith("wchar:")) {
				return Long.parseLong(line.substring("wchar:".length()).trim());
			}
		}
		throw new IllegalStateException("no wchar in " + PROC_IO);
	}

	/** A data directory in the format every emulator reads: a snapshot and {@code count} sandboxes. */
	private static void seed(Path dataDirectory, String snapshotId, int count) throws IOException {
		StringBuilder sandboxes = new StringBuilder();
		for (int i = 0; i < count; i++) {
			if (i > 0) {
				sandboxes.append(',');
			}
			sandboxes.append("""
					{"id":"s%1$06d","status":"created","ephemeral":false,"millicpu":250,"memory_bytes":1,"disk_bytes":1,
					 "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","start_requested_at":null,
					 "start_type":null,"started_at":null,"stop_requested_at":null,"requested_stop_type":null,
					 "stopped_at":null,"stop_reason":null,"snapshot_id":"%2$s","version_id":"%3$s"}"""
				.formatted(i, snapshotId, java.util.UUID.randomUUID()));
		}
		Files.writeString(dataDirectory.resolve("state.json"), """
				{"version":1,"sandboxes":[%s],
				 "snapshots":[{"id":"%s","project_id":"local-emulator","byte_size":0,"protected":false,
				   "optimized":false,"includes_memory_snapshot":false,"created_at":"2026-01-01T00:00:00Z",
				   "optimized_at":null,"updated_at":"2026-01-01T00:00:00Z","image":"alpine:latest",
				   "architecture":"amd64","build_id":null}],
				 "aliases":[],"builds":[]}
				""".formatted(sandboxes, snapshotId));
	}

}
