package ai.together.sandbox.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image-builder protocol (PROTOCOL.md §5.3) and persistence across restarts.
 */
class BuilderAndPersistenceTest {

	@TempDir
	Path dataDirectory;

	@TempDir
	Path outside;

	private static byte[] contextArchive(boolean malicious) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			addFile(tar, "./Dockerfile", "FROM alpine:latest\n");
			addFile(tar, "./app/main.py", "print('hi')\n");
			TarArchiveEntry link = new TarArchiveEntry("./app/link-in", TarArchiveEntry.LF_SYMLINK);
			link.setLinkName("main.py");
			tar.putArchiveEntry(link);
			tar.closeArchiveEntry();
			TarArchiveEntry outsideLink = new TarArchiveEntry("./app/link-out", TarArchiveEntry.LF_SYMLINK);
			outsideLink.setLinkName("../../../../etc/passwd");
			tar.putArchiveEntry(outsideLink);
			tar.closeArchiveEntry();
			if (malicious) {
				addFile(tar, "../evil.txt", "evil");
			}
		}
		return bytes.toByteArray();
	}

	private static void addFile(TarArchiveOutputStream tar, String name, String content) throws IOException {
		byte[] data = content.getBytes(StandardCharsets.UTF_8);
		TarArchiveEntry entry = new TarArchiveEntry(name);
		entry.setSize(data.length);
		tar.putArchiveEntry(entry);
		tar.write(data);
		tar.closeArchiveEntry();
	}

	private static HttpRequest submit(SandboxEmulator emulator, byte[] archive) {
		String boundary = "----emulator-test-boundary";
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (Map.Entry<String, String> field : Map.of("image_name", "my-context:1700000000", "dockerfile", "Dockerfile",
				"build_args", "{}", "nydus_convert", "true").entrySet()) {
			body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
					+ "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
		}
		body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"context\"; filename=\"context.tar.gz\"\r\n"
				+ "Content-Type: application/gzip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
		body.writeBytes(archive);
		body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/builds"))
			.header("Authorization", "Bearer " + emulator.apiKey())
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build();
	}

	@Test
	void remoteBuildRoundTripSeedsSandboxes() throws IOException {
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			EmulatorClient client = new EmulatorClient(emulator);
			Response submitted = EmulatorClient.send(submit(emulator, contextArchive(false)));
			assertThat(submitted.status()).isBetween(200, 299);
			String buildId = submitted.body().get("build_id").asString();
			List<JsonNode> logs = EmulatorClient.sse(emulator.baseUrl() + "/builds/" + buildId + "/logs",
					emulator.apiKey(), events -> false, Duration.ofSeconds(10));
			assertThat(logs.get(logs.size() - 1).get("done").asBoolean()).isTrue();
			String imageRef = EmulatorClient
				.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/builds/" + buildId))
					.header("Authorization", "Bearer " + emulator.apiKey())
					.build())
				.body()
				.get("image_ref")
				.asString();
			assertThat(imageRef).endsWith("/my-context:1700000000");
			Response snapshot = client.management("POST", "/snapshots",
					Map.of("image", imageRef, "architecture", "amd64"), "Snapshot");
			client.management("POST", "/snapshots/" + snapshot.body().get("id").asString() + "/aliases",
					Map.of("alias", "e2e-remote-0a1b2c3d"), null);
			JsonNode created = client.management("POST", "/sandboxes", Map.of("millicpu", 1000, "memory_bytes", 1,
					"disk_bytes", 1, "snapshot_alias", "e2e-remote-0a1b2c3d"), "Sandbox").body();
			Sandbox sandbox = client.start(created.get("id").asString());
			assertThat(client.agent(sandbox, "GET", "/api/v1/files/" + enc("/app/main.py"), null, "FileReadResponse")
				.body()
				.get("content")
				.asString()).isEqualTo("print('hi')\n");
			assertThat(client.agent(sandbox, "GET", "/api/v1/files/" + enc("/app/link-in"), null, "FileReadResponse")
				.status()).isEqualTo(200);
			assertThat(client.agent(sandbox, "GET", "/api/v1/file_stat/" + enc("/app/link-out"), null, null).status())
				.isBetween(400, 499);
			Response deleted = EmulatorClient.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/builds/" + buildId))
				.header("Authorization", "Bearer " + emulator.apiKey())
				.DELETE()
				.build());
			assertThat(deleted.status()).isEqualTo(204);
		}
	}

	@Test
	void escapingArchivesFailTheBuild() throws IOException {
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			Response submitted = EmulatorClient.send(submit(emulator, contextArchive(true)));
			String buildId = submitted.body().get("build_id").asString();
			List<JsonNode> logs = EmulatorClient.sse(emulator.baseUrl() + "/builds/" + buildId + "/logs",
					emulator.apiKey(), events -> false, Duration.ofSeconds(10));
			assertThat(logs.get(logs.size() - 1).has("error")).isTrue();
			try (var tree = Files.walk(emulator.dataDirectory())) {
				assertThat(tree.map(p -> p.getFileName().toString())).doesNotContain("evil.txt");
			}
			assertThat(emulator.dataDirectory().resolve("builds").resolve("evil.txt")).doesNotExist();
		}
	}

	@Test
	void aDataDirectorySurvivesARestart() {
		String sandboxId;
		String snapshotId;
		long pid;
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(this.dataDirectory).apiKey("fixed-key").build();
		try (SandboxEmulator first = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(first);
			snapshotId = client.createSnapshot();
			client.management("POST", "/snapshots/" + snapshotId + "/aliases", Map.of("alias", "kept@v1"), null);
			Sandbox sandbox = client.newSandbox(snapshotId);
			sandboxId = sandbox.id();
			client.agent(sandbox, "POST", "/api/v1/files/" + enc("/data/state.txt"),
					HttpRequest.BodyPublishers.ofString("persisted"), "FileReadResponse");
			pid = client.agent(sandbox, "POST", "/api/v1/execs", Map.of("command", "sleep", "args", List.of("300")),
					"ExecItem").body().get("pid").asLong();
		}
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(this.dataDirectory.resolve("state.json")).exists();
		try (SandboxEmulator second = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(second);
			JsonNode record = client.management("GET", "/sandboxes/" + sandboxId, null, "Sandbox").body();
			assertThat(record.get("status").asString()).isEqualTo("stopped");
			assertThat(client.management("GET", "/snapshots/@" + enc("kept@v1"), null, "Snapshot").body().get("id")
				.asString()).isEqualTo(snapshotId);
			Sandbox restarted = client.start(sandboxId);
			assertThat(client.agent(restarted, "GET", "/api/v1/files/" + enc("/data/state.txt"), null,
					"FileReadResponse").body().get("content").asString()).isEqualTo("persisted");
			assertThat(client.agent(restarted, "GET", "/api/v1/execs", null, "ExecListResponse").body().get("execs"))
				.isEmpty();
		}
		assertThat(this.dataDirectory.resolve("sandboxes").resolve(sandboxId)).isDirectory();
	}

	@Test
	void aTemporaryDataDirectoryIsDeletedOnClose() {
		Path directory;
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			directory = emulator.dataDirectory();
			assertThat(directory).isDirectory();
			assertThat(emulator.apiKeyGenerated()).isTrue();
			assertThat(emulator.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void commandLineFlags() {
		EmulatorOptions options = EmulatorMain.parse(new String[] { "--port", "8089", "--bind=0.0.0.0", "--api-key",
				"k", "--data-dir", this.outside.toString() });
		assertThat(options.port()).isEqualTo(8089);
		assertThat(options.bindAddress()).isEqualTo("0.0.0.0");
		assertThat(options.apiKey()).isEqualTo("k");
		assertThat(options.dataDirectory()).isEqualTo(this.outside);
		assertThat(EmulatorMain.parse(new String[] { "--help" })).isNull();
		assertThat(EmulatorMain.parse(new String[0]).bindAddress()).isEqualTo("127.0.0.1");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmulatorMain.parse(new String[] { "--nope" }))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
