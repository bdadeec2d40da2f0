package ai.together.sandbox.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
			Response deleted = EmulatorClient.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/builds/" + buildId))
				.header("Authorization", "Bearer " + emulator.apiKey())
				.DELETE()
				.build());
			assertThat(deleted.status()).isEqualTo(204);
		}
	}

	private static void addLink(TarArchiveOutputStream tar, String name, String target) throws IOException {
		TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
		link.setLinkName(target);
		tar.putArchiveEntry(link);
		tar.closeArchiveEntry();
	}

	private static void addDirectory(TarArchiveOutputStream tar, String name) throws IOException {
		tar.putArchiveEntry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"));
		tar.closeArchiveEntry();
	}

	/**
	 * Archives whose links are each textually inside the context but, followed one after another,
	 * lead out of it. The context is {@code <data>/builds/<id>/context}: four levels below the
	 * parent of the data directory, which is where the deep chain lands on a vulnerable extractor
	 * (never higher, so a failing run writes only into the test's temporary directory).
	 */
	private static byte[] chainedLinkArchive(String kind, Path outside) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			addFile(tar, "Dockerfile", "FROM alpine:latest\n");
			switch (kind) {
				case "dot-chain" -> {
					// a is the context itself, so a/.. is its parent (textually: the context).
					addLink(tar, "a", ".");
					addLink(tar, "b", "a/..");
					addFile(tar, "b/escaped/file", "escaped");
				}
				case "dot-chain-up" -> {
					addLink(tar, "a", ".");
					addLink(tar, "b", "a/..");
					addLink(tar, "c", "b/../..");
					addFile(tar, "c/escaped/file", "escaped");
				}
				case "deep-chain" -> {
					addDirectory(tar, "d1/d2/d3/d4");
					addLink(tar, "d1/d2/d3/d4/w", "../../../..");
					// Textually d1; really four levels above the context.
					addLink(tar, "e", "d1/d2/d3/d4/w/../../../..");
					addFile(tar, "e/escaped/file", "escaped");
				}
				case "absolute" -> {
					addLink(tar, "abs", outside.toAbsolutePath().toString());
					addFile(tar, "abs/escaped/file", "escaped");
				}
				default -> throw new IllegalArgumentException(kind);
			}
		}
		return bytes.toByteArray();
	}

	@ParameterizedTest
	@ValueSource(strings = { "dot-chain", "dot-chain-up", "deep-chain", "absolute" })
	void chainedAndAbsoluteLinksAreRefusedAndWriteNothingOutside(String kind) throws IOException {
		Path data = this.outside.resolve("data");
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(data).build();
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			Response submitted = EmulatorClient.send(submit(emulator, chainedLinkArchive(kind, this.outside)));
			try (var tree = Files.walk(this.outside)) {
				assertThat(tree.map(p -> p.getFileName().toString())).as(kind).doesNotContain("escaped");
			}
			try (var top = Files.list(this.outside)) {
				assertThat(top.map(p -> p.getFileName().toString())).as(kind).containsExactly("data");
			}
			assertThat(submitted.status()).as(kind).isBetween(400, 499);
		}
	}

	@Test
	void escapingArchivesAreRefused() throws IOException {
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			Response submitted = EmulatorClient.send(submit(emulator, contextArchive(true)));
			assertThat(submitted.status()).isEqualTo(400);
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
		assertThat(this.dataDirectory.resolve("state.db")).exists();
		assertThat(this.dataDirectory.resolve("state.json")).doesNotExist();
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
	void aStateFileOfEarlierVersionsIsImportedOnceAndRenamed() throws IOException, SQLException {
		// Written as the emulator wrote it before its state had typed records: the Sandbox model
		// without the agent token and URL, plus the snapshot and version ids.
		String snapshotId = "0c8f2d7e-3a51-4b9e-9f6a-1d2e3f4a5b6c";
		String versionId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
		String aliasId = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
		String state = """
				{"version":1,
				 "sandboxes":[{"id":"old-box","project_id":"local-emulator","status":"running","ephemeral":false,
				   "cluster_name":"local-emulator","current_version_number":1,"next_version_number":2,"millicpu":500,
				   "gpu":0,"memory_bytes":1024,"disk_bytes":2048,"version_count":1,"agent_version":"emulator",
				   "agent_type":"emulator","created_at":"2026-01-01T00:00:00Z","start_requested_at":"2026-01-01T00:00:01Z",
				   "start_type":"cold_start","started_at":"2026-01-01T00:00:02Z","stop_requested_at":null,
				   "requested_stop_type":null,"stopped_at":null,"stop_reason":null,"specs_updated_at":null,
				   "recovery_status":null,"recovery_started_at":null,"recovery_finished_at":null,
				   "updated_at":"2026-01-01T00:00:02Z","snapshot_id":"%1$s","version_id":"%2$s"}],
				 "snapshots":[{"id":"%1$s","project_id":"local-emulator","byte_size":12,"protected":false,
				   "optimized":false,"includes_memory_snapshot":false,"created_at":"2026-01-01T00:00:00Z",
				   "optimized_at":null,"updated_at":"2026-01-01T00:00:00Z","image":"localhost/emulator/old:latest",
				   "architecture":"amd64","build_id":"oldbuild"}],
				 "aliases":[{"id":"%3$s","snapshot_id":"%1$s","alias":"old@v1","created_at":"2026-01-01T00:00:00Z",
				   "updated_at":"2026-01-01T00:00:00Z"}],
				 "builds":[{"build_id":"oldbuild","status":"succeeded","image_name":"old","image_ref":"localhost/emulator/old:latest",
				   "dockerfile":"Dockerfile","error":null,"created_at":"2026-01-01T00:00:00Z","logs":["line one"],"byte_size":12}]}
				""".formatted(snapshotId, versionId, aliasId);
		Files.writeString(this.dataDirectory.resolve("state.json"), state);
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(this.dataDirectory).apiKey("fixed-key").build();
		// The first start imports the file and renames it; the second reads the database alone.
		for (int start = 1; start <= 2; start++) {
			try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
				EmulatorClient client = new EmulatorClient(emulator);
				JsonNode sandbox = client.management("GET", "/sandboxes/old-box", null, "Sandbox").body();
				assertThat(sandbox.get("status").asString()).isEqualTo("stopped");
				assertThat(sandbox.get("stop_reason").asString()).isEqualTo("shutdown");
				assertThat(sandbox.get("millicpu").asLong()).isEqualTo(500);
				assertThat(sandbox.get("created_at").asString()).isEqualTo("2026-01-01T00:00:00Z");
				assertThat(client.management("GET", "/sandbox-versions/" + versionId, null, "SandboxVersion").body()
					.get("snapshot_id").asString()).isEqualTo(snapshotId);
				JsonNode snapshot = client.management("GET", "/snapshots/@" + enc("old@v1"), null, "Snapshot").body();
				assertThat(snapshot.get("id").asString()).isEqualTo(snapshotId);
				assertThat(snapshot.get("byte_size").asLong()).isEqualTo(12);
				assertThat(client.management("GET", "/snapshot-aliases/" + aliasId, null, "SnapshotAlias").body()
					.get("alias").asString()).isEqualTo("old@v1");
				Response build = EmulatorClient.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/builds/oldbuild"))
					.header("Authorization", "Bearer fixed-key")
					.build());
				assertThat(build.status()).isEqualTo(200);
				assertThat(build.body().get("image_ref").asString()).isEqualTo("localhost/emulator/old:latest");
			}
			assertThat(this.dataDirectory.resolve("state.json")).as("after start %d", start).doesNotExist();
			assertThat(this.dataDirectory.resolve("state.json.migrated")).hasContent(state);
		}
		// One row per record, in the columns of the records (the agent token is none of them).
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + this.dataDirectory.resolve("state.db"));
				Statement query = db.createStatement()) {
			try (ResultSet rows = query.executeQuery("SELECT * FROM sandboxes")) {
				assertThat(rows.next()).isTrue();
				List<String> columns = new ArrayList<>();
				for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
					columns.add(rows.getMetaData().getColumnName(i));
				}
				assertThat(columns).containsExactly("id", "status", "ephemeral", "millicpu", "memory_bytes",
						"disk_bytes", "created_at", "updated_at", "start_requested_at", "start_type", "started_at",
						"stop_requested_at", "requested_stop_type", "stopped_at", "stop_reason", "snapshot_id",
						"version_id", "current");
				assertThat(rows.getString("status")).isEqualTo("stopped");
				assertThat(rows.getString("current")).as("a seed sandbox").isNull();
				assertThat(rows.next()).isFalse();
			}
			try (ResultSet rows = query.executeQuery("SELECT logs, byte_size FROM builds")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString("logs")).isEqualTo("[\"line one\"]");
				assertThat(rows.getLong("byte_size")).isEqualTo(12);
			}
		}
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
