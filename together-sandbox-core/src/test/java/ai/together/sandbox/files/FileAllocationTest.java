package ai.together.sandbox.files;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerResponse;

import static ai.together.sandbox.testing.AgentResponses.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reading a 16 MiB binary file costs the client's heap: every byte the client's threads
 * allocate (the caller, the event loops, the blocking workers; not the local agent's threads),
 * per byte of the file. The array {@code readBytes} returns is one byte per byte; a download to a
 * file needs no array at all; the content is never held as text on the way.
 */
class FileAllocationTest {

	private static final int SIZE = 16 * 1024 * 1024;

	private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox().agent(this::handle);

	@Test
	void readBytesAllocatesLittleMoreThanTheArrayItReturns() {
		SandboxFiles files = this.fake.sandbox().files();
		byte[] small = BigFileTransferTest.random(64 * 1024, 1);
		byte[] big = BigFileTransferTest.random(SIZE, 2);
		// Built before measuring: the agent's own allocations are not the client's.
		this.bodies.put("/small.bin", BigFileTransferTest.fileJson("/small.bin", small));
		this.bodies.put("/big.bin", BigFileTransferTest.fileJson("/big.bin", big));
		// Warm: classes loaded, the connection open.
		assertThat(files.readBytes("/small.bin")).isEqualTo(small);

		long before = clientAllocatedBytes();
		byte[] read = files.readBytes("/big.bin");
		long allocated = clientAllocatedBytes() - before;

		assertThat(read).isEqualTo(big);
		double perFileByte = allocated / (double) SIZE;
		System.out.printf("readBytes of 16 MiB: %.2f bytes allocated per file byte%n", perFileByte);
		assertThat(perFileByte).as("heap bytes allocated per file byte").isLessThanOrEqualTo(1.5);
	}

	@Test
	void aDownloadToAFileAllocatesAFractionOfTheFile(@TempDir Path temp) throws IOException {
		SandboxFiles files = this.fake.sandbox().files();
		byte[] small = BigFileTransferTest.random(64 * 1024, 3);
		byte[] big = BigFileTransferTest.random(SIZE, 4);
		this.bodies.put("/small.bin", BigFileTransferTest.fileJson("/small.bin", small));
		this.bodies.put("/big.bin", BigFileTransferTest.fileJson("/big.bin", big));
		files.download("/small.bin", temp.resolve("small.bin"));

		long before = clientAllocatedBytes();
		files.download("/big.bin", temp.resolve("big.bin"));
		long allocated = clientAllocatedBytes() - before;

		assertThat(Files.readAllBytes(temp.resolve("big.bin"))).isEqualTo(big);
		double perFileByte = allocated / (double) SIZE;
		System.out.printf("download of 16 MiB to a file: %.3f bytes allocated per file byte%n", perFileByte);
		assertThat(perFileByte).as("heap bytes allocated per file byte").isLessThanOrEqualTo(0.25);
	}

	/** Allocated so far by every live thread but the local agent's. */
	static long clientAllocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (!thread.getName().startsWith("fake-sandbox")) {
				total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
			}
		}
		return total;
	}

	private Publisher<Void> handle(Request request, HttpServerResponse response) {
		String path = URLDecoder.decode(request.path().substring("/api/v1/files/".length()), StandardCharsets.UTF_8);
		return json(response, 200, this.bodies.get(path));
	}

}
