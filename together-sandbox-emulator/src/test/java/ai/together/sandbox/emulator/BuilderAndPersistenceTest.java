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
	void aStateFileWithSandboxesAndSnapshotsOfTheCurrentGenerationIsImportedWithTheirFields() throws IOException {
		// As the emulator wrote it before state.db, once it served /v1: the current part of a
		// sandbox, and the tags, ttl and retirement of snapshots.
		String sandboxId = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
		String active = "0c8f2d7e-3a51-4b9e-9f6a-1d2e3f4a5b6c";
		String retired = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a";
		String state = """
				{"version":1,
				 "sandboxes":[{"id":"%1$s","status":"stopped","ephemeral":false,"millicpu":2000,
				   "memory_bytes":2000000000,"disk_bytes":10737418240,"created_at":"2026-01-01T00:00:00Z",
				   "updated_at":"2026-01-01T00:00:09Z","start_requested_at":"2026-01-01T00:00:00Z",
				   "start_type":"cold_start","started_at":"2026-01-01T00:00:01Z","stop_requested_at":"2026-01-01T00:00:08Z",
				   "requested_stop_type":"shutdown","stopped_at":"2026-01-01T00:00:09Z","stop_reason":"shutdown",
				   "snapshot_id":"%2$s","version_id":"5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
				   "current":{"cpu":2.0,"ttl":600,"tags":{"team":"core"},
				     "termination_policy":{"aliases":["kept@v2"],"ttl":60,"tags":{"from":"policy"}},
				     "termination_reason":"termination_requested"}}],
				 "snapshots":[{"id":"%2$s","project_id":"local-emulator","byte_size":0,"protected":false,
				   "optimized":false,"includes_memory_snapshot":false,"created_at":"2026-01-01T00:00:00Z",
				   "optimized_at":null,"updated_at":"2026-01-01T00:00:00Z","image":"alpine:latest",
				   "architecture":"amd64","build_id":null,"tags":{"suite":"import"},"ttl":999999999,"retired_at":null},
				  {"id":"%3$s","project_id":"local-emulator","byte_size":0,"protected":false,
				   "optimized":false,"includes_memory_snapshot":false,"created_at":"2026-01-01T00:00:00Z",
				   "optimized_at":null,"updated_at":"2026-01-01T00:00:05Z","image":"alpine:latest",
				   "architecture":"amd64","build_id":null,"tags":null,"ttl":null,"retired_at":"2026-01-01T00:00:05Z"}],
				 "aliases":[],"builds":[]}
				""".formatted(sandboxId, active, retired);
		Files.writeString(this.dataDirectory.resolve("state.json"), state);
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(this.dataDirectory).apiKey("fixed-key").build();
		for (int start = 1; start <= 2; start++) {
			try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
				EmulatorClient client = new EmulatorClient(emulator);
				JsonNode sandbox = client.current("GET", "/sandboxes/" + sandboxId, null, "Sandbox").body();
				assertThat(sandbox.get("status").asString()).as("after start %d", start).isEqualTo("terminated");
				assertThat(sandbox.get("status_reason").asString()).isEqualTo("termination_requested");
				assertThat(sandbox.get("cpu").asDouble()).isEqualTo(2.0);
				assertThat(sandbox.get("ttl").asLong()).isEqualTo(600);
				assertThat(sandbox.get("tags").get("team").asString()).isEqualTo("core");
				JsonNode policy = sandbox.get("termination_policy").get("snapshot");
				assertThat(policy.get("aliases").get(0).asString()).isEqualTo("kept@v2");
				assertThat(policy.get("ttl").asLong()).isEqualTo(60);
				assertThat(policy.get("tags").get("from").asString()).isEqualTo("policy");
				assertThat(client.management("GET", "/sandboxes/" + sandboxId, null, null).status())
					.as("a sandbox of the current generation stays hidden from the seed API").isEqualTo(404);
				JsonNode snapshot = client.current("GET", "/snapshots/" + active, null, "Snapshot").body();
				assertThat(snapshot.get("tags").get("suite").asString()).isEqualTo("import");
				assertThat(snapshot.get("retired_at").isNull()).isTrue();
				JsonNode gone = client.current("GET", "/snapshots/" + retired, null, "Snapshot").body();
				assertThat(gone.get("retired_at").asString()).startsWith("2026-01-01T00:00:05");
				assertThat(client.current("POST", "/sandboxes", Map.of("snapshot_id", retired), null).status())
					.as("a retired snapshot creates no sandbox").isEqualTo(400);
			}
		}
		assertThat(this.dataDirectory.resolve("state.json.migrated")).hasContent(state);
	}

	@Test
	void aDatabaseOfSchemaVersionOneIsUpgradedAndKeepsItsRows() throws Exception {
		// The schema of the first emulator with state.db, before the current API generation.
		String versionId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
		String snapshotId = "0c8f2d7e-3a51-4b9e-9f6a-1d2e3f4a5b6c";
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + this.dataDirectory.resolve("state.db"));
				Statement update = db.createStatement()) {
			update.execute("""
					CREATE TABLE sandboxes (id TEXT PRIMARY KEY, status TEXT NOT NULL, ephemeral INTEGER NOT NULL,
					  millicpu INTEGER NOT NULL, memory_bytes INTEGER NOT NULL, disk_bytes INTEGER NOT NULL,
					  created_at TEXT NOT NULL, updated_at TEXT, start_requested_at TEXT, start_type TEXT,
					  started_at TEXT, stop_requested_at TEXT, requested_stop_type TEXT, stopped_at TEXT,
					  stop_reason TEXT, snapshot_id TEXT NOT NULL, version_id TEXT NOT NULL)""");
			update.execute("""
					CREATE TABLE snapshots (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, byte_size INTEGER NOT NULL,
					  protected INTEGER NOT NULL, optimized INTEGER NOT NULL, includes_memory_snapshot INTEGER NOT NULL,
					  created_at TEXT NOT NULL, optimized_at TEXT, updated_at TEXT NOT NULL, image TEXT NOT NULL,
					  architecture TEXT NOT NULL, build_id TEXT)""");
			update.execute("""
					CREATE TABLE aliases (alias TEXT PRIMARY KEY, id TEXT NOT NULL, snapshot_id TEXT NOT NULL,
					  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""");
			update.execute("""
					CREATE TABLE builds (build_id TEXT PRIMARY KEY, status TEXT NOT NULL, image_name TEXT NOT NULL,
					  image_ref TEXT NOT NULL, dockerfile TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL,
					  logs TEXT NOT NULL, byte_size INTEGER NOT NULL)""");
			update.execute("INSERT INTO snapshots VALUES ('" + snapshotId + "', 'local-emulator', 0, 0, 0, 0, "
					+ "'2026-01-01T00:00:00Z', NULL, '2026-01-01T00:00:00Z', 'alpine:latest', 'amd64', NULL)");
			update.execute("INSERT INTO sandboxes VALUES ('old-box', 'stopped', 0, 500, 1024, 2048, "
					+ "'2026-01-01T00:00:00Z', '2026-01-01T00:00:03Z', NULL, NULL, NULL, NULL, NULL, NULL, 'shutdown', '"
					+ snapshotId + "', '" + versionId + "')");
			update.execute("PRAGMA user_version = 1");
		}
		EmulatorOptions options = EmulatorOptions.builder().dataDirectory(this.dataDirectory).apiKey("fixed-key").build();
		String current;
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(emulator);
			JsonNode old = client.management("GET", "/sandboxes/old-box", null, "Sandbox").body();
			assertThat(old.get("millicpu").asLong()).isEqualTo(500);
			assertThat(old.get("stop_reason").asString()).isEqualTo("shutdown");
			assertThat(client.current("GET", "/snapshots/" + snapshotId, null, "Snapshot").body().get("tags").isEmpty())
				.isTrue();
			current = client.createCurrent(Map.of("snapshot_id", snapshotId, "tags", Map.of("k", "v"))).id();
			assertThat(client.current("POST", "/snapshots/" + snapshotId + "/retire", null, "Snapshot").status())
				.isEqualTo(200);
		}
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			EmulatorClient client = new EmulatorClient(emulator);
			assertThat(client.management("GET", "/sandboxes/old-box", null, "Sandbox").status()).isEqualTo(200);
			assertThat(client.current("GET", "/snapshots/" + snapshotId, null, "Snapshot").body().get("retired_at")
				.isNull()).isFalse();
			assertThat(client.current("GET", "/sandboxes/" + current, null, "Sandbox").body().get("tags").get("k")
				.asString()).isEqualTo("v");
		}
		try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + this.dataDirectory.resolve("state.db"));
				Statement query = db.createStatement();
				ResultSet version = query.executeQuery("PRAGMA user_version")) {
			assertThat(version.getInt(1)).isEqualTo(2);
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
