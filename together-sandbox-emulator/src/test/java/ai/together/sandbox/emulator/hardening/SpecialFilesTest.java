package ai.together.sandbox.emulator.hardening;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A named pipe made by an exec and read many times at once (issue 15): the reads are refused at
 * once, and the file and exec work of every other sandbox goes on.
 */
class SpecialFilesTest {

	private static final int READS = 24;

	@TempDir
	Path root;

	private SandboxEmulator emulator;

	private TogetherSandbox sdk;

	private Sandbox piped;

	private Sandbox other;

	@BeforeEach
	void start() {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder().dataDirectory(this.root.resolve("data")).build());
		this.sdk = TogetherSandbox.builder().baseUrl(this.emulator.baseUrl()).apiKey(this.emulator.apiKey()).build();
		String snapshot = this.sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
		this.piped = this.sdk.sandboxes()
			.start(this.sdk.sandboxes().create(CreateSandboxRequest.builder().id("piped1").snapshotId(snapshot).build()).id());
		this.other = this.sdk.sandboxes()
			.start(this.sdk.sandboxes().create(CreateSandboxRequest.builder().id("other1").snapshotId(snapshot).build()).id());
		this.other.files().create("/hello.txt", "hello");
	}

	@AfterEach
	void stop() throws IOException {
		// Should a read still hang on the pipe, a writer that comes and goes lets it end.
		Path fifo = fifo();
		if (Files.exists(fifo)) {
			Thread unblock = new Thread(() -> {
				try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
					out.flush();
				}
				catch (IOException ex) {
					// Nothing was waiting.
				}
			});
			unblock.setDaemon(true);
			unblock.start();
		}
		for (Sandbox sandbox : new Sandbox[] { this.piped, this.other }) {
			if (sandbox != null) {
				sandbox.close();
			}
		}
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	private Path fifo() {
		return this.emulator.dataDirectory().resolve("sandboxes/piped1/fs/fifo");
	}

	private RawHttp.Response send(Sandbox sandbox, String method, String path, String body) throws IOException {
		return RawHttp.send(this.emulator.port(), method,
				sandbox.vmInfo().agentUrl().replaceFirst("^http://[^/]+", "") + path,
				RawHttp.bearer(sandbox.vmInfo().agentToken()), body != null ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	@Test
	void readsOfANamedPipeAreRefusedAndStarveNoOtherSandbox() throws Exception {
		RawHttp.Response mkfifo = send(this.piped, "POST", "/api/v1/execs",
				"{\"command\":\"mkfifo\",\"args\":[\"fifo\"],\"cwd\":\"/\"}");
		assertThat(mkfifo.status()).as(mkfifo.text()).isEqualTo(201);
		await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(fifo()));

		ExecutorService pool = Executors.newFixedThreadPool(READS + 2);
		try {
			List<Future<RawHttp.Response>> reads = new ArrayList<>();
			for (int i = 0; i < READS; i++) {
				reads.add(pool.submit(() -> send(this.piped, "GET", "/api/v1/files/%2Ffifo", null)));
			}
			Future<RawHttp.Response> elsewhere = pool.submit(() -> send(this.other, "GET", "/api/v1/files/%2Fhello.txt", null));
			await().atMost(Duration.ofSeconds(5)).until(elsewhere::isDone);
			assertThat(elsewhere.get().status()).as(elsewhere.get().text()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(5)).until(() -> reads.stream().allMatch(Future::isDone));
			for (Future<RawHttp.Response> read : reads) {
				assertThat(read.get().status()).as(read.get().text()).isEqualTo(400);
				assertThat(read.get().text()).contains("not a regular file");
			}
			// The pipe's own sandbox still works too, and a stat of the pipe describes it.
			assertThat(send(this.piped, "GET", "/api/v1/file_stat/%2Ffifo", null).status()).isEqualTo(200);
			assertThat(send(this.piped, "GET", "/api/v1/directories/%2F", null).status()).isEqualTo(200);
			assertThat(send(this.piped, "GET", "/api/v1/files/%2F", null).text()).contains("is a directory");
		}
		finally {
			pool.shutdownNow();
		}
	}

}
