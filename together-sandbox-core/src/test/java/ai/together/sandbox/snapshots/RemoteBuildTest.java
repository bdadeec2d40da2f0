package ai.together.sandbox.snapshots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.together.sandbox.ReactiveSnapshots;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.snapshots.FakeImageBuilder.Entry;
import ai.together.sandbox.snapshots.FakeImageBuilder.Upload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import static ai.together.sandbox.snapshots.FakeImageBuilder.events;
import static ai.together.sandbox.snapshots.FakeImageBuilder.eventsThenDrop;
import static ai.together.sandbox.snapshots.FakeImageBuilder.eventsThenHang;
import static ai.together.sandbox.snapshots.FakeImageBuilder.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Remote builds (PROTOCOL.md §5.3) against {@link FakeImageBuilder}, a local server that speaks
 * the image-builder protocol: the uploaded archive, the multipart fields, the log stream as
 * progress, reconnects, failures, cancellation and the registration that follows.
 */
class RemoteBuildTest {

	@TempDir
	Path temp;

	FakeImageBuilder builder;

	RecordingSleeper retrySleeps = new RecordingSleeper();

	RecordingSleeper pauses = new RecordingSleeper();

	List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startBuilder() {
		this.builder = new FakeImageBuilder();
	}

	@AfterEach
	void stopBuilder() {
		this.builder.close();
	}

	ReactiveSnapshots snapshots(Map<String, String> environment, RetryConfig retry) {
		// A docker executable that does not exist: a remote build must not need one.
		BuildSettings settings = SnapshotTestSupport.settings(environment, this.temp.resolve("no-docker").toString(),
				this.pauses);
		return SnapshotTestSupport.snapshots(this.builder.baseUrl(), retry, this.retrySleeps, settings);
	}

	ReactiveSnapshots snapshots() {
		return snapshots(Map.of(), RetryConfig.defaults());
	}

	Path context(String name) throws IOException {
		Path context = Files.createDirectories(this.temp.resolve(name));
		Files.writeString(context.resolve("Dockerfile"), "FROM alpine:latest\n");
		return context;
	}

	@Test
	void uploadsExactlyTheFilesTheDockerignoreLeavesIn() throws IOException {
		Path context = context("My_App");
		Files.writeString(context.resolve(".dockerignore"), String.join("\n", "# build output and logs",
				"*.log", "!keep.log", "node_modules", "/root-only.txt", "build/", "!build/keep.txt",
				"docs/**/*.tmp", "secret?.txt", "  spaced.txt  ", ""));
		write(context, "src/main/app.py", "print('hi')\n");
		write(context, "src/main/debug.log", "ignored by *.log\n");
		write(context, "src/keep.log", "included again by !keep.log\n");
		write(context, "node_modules/left-pad/index.js", "ignored\n");
		write(context, "web/node_modules/x.js", "ignored at any depth\n");
		write(context, "root-only.txt", "ignored at the root only\n");
		write(context, "sub/root-only.txt", "kept below the root\n");
		write(context, "build/out.bin", "ignored\n");
		write(context, "build/keep.txt", "included again (each file is matched on its own)\n");
		write(context, "docs/a/b/c.tmp", "ignored\n");
		write(context, "docs/a/b/c.md", "kept\n");
		write(context, "secret1.txt", "ignored\n");
		write(context, "secret12.txt", "kept: ? is one character\n");
		write(context, "spaced.txt", "ignored: surrounding spaces are trimmed\n");
		Files.createDirectories(context.resolve("empty/dir"));
		Files.createSymbolicLink(context.resolve("app-link"), Path.of("src/main/app.py"));
		Files.createSymbolicLink(context.resolve("src-link"), Path.of("src"));
		byte[] big = new byte[10 * 1024 * 1024 + 1];
		new Random(42).nextBytes(big);
		Files.write(Files.createDirectories(context.resolve("data")).resolve("big.bin"), big);
		this.builder.thenLogs(events("done building", "{\"done\":true}"));

		CreateSnapshotResult result = snapshots().create(ContextSnapshotParams.of(context)).block();

		assertThat(result).isEqualTo(new CreateSnapshotResult(FakeImageBuilder.SNAPSHOT_ID, null));
		assertThat(this.builder.uploads).hasSize(1);
		Upload upload = this.builder.uploads.get(0);
		assertThat(upload.file().length).as("compressed random data stays over 10 MiB").isGreaterThan(10 * 1024 * 1024);
		List<Entry> entries = upload.entries();
		assertThat(entries).extracting(Entry::name)
			.containsExactly("./.dockerignore", "./Dockerfile", "./app-link", "./build/keep.txt", "./data/big.bin",
					"./docs/a/b/c.md", "./secret12.txt", "./src/keep.log", "./src/main/app.py", "./src-link",
					"./sub/root-only.txt");
		assertThat(entry(entries, "./app-link").linkTarget()).isEqualTo("src/main/app.py");
		assertThat(entry(entries, "./src-link").linkTarget()).as("a directory link is stored, not followed")
			.isEqualTo("src");
		assertThat(entry(entries, "./data/big.bin").content()).isEqualTo(big);
		assertThat(new String(entry(entries, "./src/main/app.py").content(), StandardCharsets.UTF_8))
			.isEqualTo("print('hi')\n");
		assertThat(entries).filteredOn(Entry::regularFile).hasSize(9);
	}

	@Test
	void sortsEntriesByPathComponentsAndDropsDirectories() throws IOException {
		Path context = context("ctx");
		write(context, "a-c", "1");
		write(context, "a/b", "2");
		write(context, "a.txt", "3");
		this.builder.thenLogs(events("{\"done\":true}"));

		snapshots().create(ContextSnapshotParams.of(context)).block();

		// Python sorts Path objects (component by component), so "a/b" precedes "a-c".
		assertThat(this.builder.uploads.get(0).entries()).extracting(Entry::name)
			.containsExactly("./Dockerfile", "./a/b", "./a-c", "./a.txt");
	}

	@Test
	void submitsTheMultipartFieldsOfTheProtocol() throws IOException {
		Path context = context("My_App");
		write(context, "docker/Dockerfile.prod", "FROM node:22\n");
		this.builder.thenLogs(events("{\"done\":true}"));

		snapshots().create(ContextSnapshotParams.builder(context)
			.dockerfile(context.resolve("docker/Dockerfile.prod"))
			.build()).block();

		Upload upload = this.builder.uploads.get(0);
		assertThat(upload.contentType()).matches("multipart/form-data; ?boundary=[0-9A-Za-z-]+");
		assertThat(upload.fields()).containsExactly(Map.entry("image_name", "my-app:1700000000"),
				Map.entry("dockerfile", "docker/Dockerfile.prod"), Map.entry("build_args", "{}"),
				Map.entry("nydus_convert", "true"));
		assertThat(upload.fileField()).isEqualTo("context");
		assertThat(upload.fileName()).isEqualTo("context.tar.gz");
		assertThat(upload.fileType()).isEqualTo("application/gzip");
		assertThat(this.builder.authorizations).isNotEmpty().allMatch(("Bearer " + TestClients.API_KEY)::equals);
		assertThat(this.builder.requests).containsExactly("POST /builds", "GET /builds/build-42/logs",
				"GET /builds/build-42", "POST /api/v1/snapshots");
		assertThat(this.builder.registerBodies).singleElement()
			.isEqualTo("{\"image\":\"" + FakeImageBuilder.IMAGE_REF + "\",\"architecture\":\"amd64\"}");
	}

	@Test
	void reportsLogLinesAsBuildProgressInOrderThenRegistersAndAliases() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(events("#1 [internal] load build definition", "\u001B[1m#2\u001B[0m FROM alpine",
				"{\"done\":false}", "{not json but \"done\"", "#3 \u001B[32;1mDONE\u001B[0m 0.4s", "{\"done\":true}",
				"never read: the stream ends at done"));

		CreateSnapshotResult result = snapshots()
			.create(ContextSnapshotParams.builder(context).alias("my-app@v1").onProgress(this.progress::add).build())
			.block();

		assertThat(result).isEqualTo(new CreateSnapshotResult(FakeImageBuilder.SNAPSHOT_ID, "my-app@v1"));
		assertThat(this.progress).containsExactly(
				new SnapshotProgress(SnapshotStep.BUILD, "[image-builder] #1 [internal] load build definition"),
				new SnapshotProgress(SnapshotStep.BUILD, "[image-builder] #2 FROM alpine"),
				new SnapshotProgress(SnapshotStep.BUILD, "[image-builder] #3 DONE 0.4s"),
				new SnapshotProgress(SnapshotStep.REGISTER, "Registering snapshot..."),
				new SnapshotProgress(SnapshotStep.ALIAS, "Creating alias..."));
		assertThat(this.builder.aliasBodies).containsExactly("{\"alias\":\"my-app@v1\"}");
		assertThat(this.builder.requests)
			.endsWith("POST /api/v1/snapshots/" + FakeImageBuilder.SNAPSHOT_ID + "/aliases");
	}

	@Test
	void reconnectsToADroppedLogStream() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(status(404))
			.thenLogs(events("line 1", "line 2"))
			.thenLogs(eventsThenDrop("line 3"))
			.thenLogs(events("line 4", "{\"done\":true}"));

		snapshots().create(ContextSnapshotParams.builder(context).onProgress(this.progress::add).build()).block();

		assertThat(this.progress).extracting(SnapshotProgress::output)
			.containsExactly("[image-builder] line 1", "[image-builder] line 2", "[image-builder] line 3",
					"[image-builder] line 4", "Registering snapshot...");
		assertThat(this.builder.count("GET /builds/build-42/logs")).isEqualTo(4);
		assertThat(this.pauses.sleeps()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofSeconds(5));
		assertThat(this.builder.count("POST /api/v1/snapshots")).isOne();
	}

	@Test
	void failsWhenTheLogStreamNeverCompletes() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(events("attempt 0")).thenLogs(status(404)).thenLogs(eventsThenDrop("attempt 2"));
		BuildSettings settings = SnapshotTestSupport
			.settings(Map.of(), this.temp.resolve("no-docker").toString(), this.pauses)
			.withLogStream(3, Duration.ofMillis(250), this.pauses);
		ReactiveSnapshots snapshots = SnapshotTestSupport.snapshots(this.builder.baseUrl(), RetryConfig.defaults(),
				this.retrySleeps, settings);

		assertThatThrownBy(() -> snapshots.create(ContextSnapshotParams.of(context)).block())
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessageStartingWith("Build build-42 log stream ended without completion after 3 attempts; "
					+ "last error: imageBuilder.logs: ")
			.hasMessageEndingWith("Last 2 log lines:\n  attempt 0\n  attempt 2")
			.cause()
			.isInstanceOfSatisfying(HttpException.class, (ex) -> assertThat(ex.status()).isZero());
		assertThat(this.pauses.sleeps()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
		assertThat(this.builder.count("POST /api/v1/snapshots")).isZero();
	}

	@Test
	void failedBuildRaisesAClearErrorWithTheLastLogLines() throws IOException {
		Path context = context("app");
		List<String> lines = new ArrayList<>();
		for (int i = 1; i <= 25; i++) {
			lines.add("step " + i);
		}
		List<String> data = new ArrayList<>(lines);
		data.add("{\"error\":\"process \\\"npm ci\\\" did not complete successfully: exit code 1\"}");
		this.builder.thenLogs(events(data.toArray(String[]::new)));

		assertThatThrownBy(() -> snapshots().create(ContextSnapshotParams.of(context)).block())
			.isInstanceOfSatisfying(SnapshotBuildException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith(
						"Build build-42 failed: process \"npm ci\" did not complete successfully: exit code 1\n"
								+ "Last 20 log lines:\n  step 6\n")
					.endsWith("\n  step 25")
					.doesNotContain("step 5\n");
				assertThat(ex.logTail()).hasSize(20).startsWith("step 6").endsWith("step 25");
			});
		assertThat(this.builder.count("GET /builds/build-42/logs")).as("a build failure is not retried").isOne();
		assertThat(this.builder.count("POST /api/v1/snapshots")).isZero();
	}

	@Test
	void submitIsRetriedWithTheDefaultConfigurationWhateverTheUserConfigured() throws IOException {
		Path context = context("app");
		this.builder.submitFailuresLeft.set(2);
		this.builder.thenLogs(events("{\"done\":true}"));

		snapshots(Map.of(), RetryConfig.disabled()).create(ContextSnapshotParams.of(context)).block();

		assertThat(this.builder.count("POST /builds")).isEqualTo(3);
		assertThat(this.retrySleeps.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
	}

	@Test
	void missingImageRefIsAClearError() throws IOException {
		Path context = context("app");
		this.builder.statusBody = "{\"status\":\"succeeded\"}";
		this.builder.thenLogs(events("{\"done\":true}"));

		assertThatThrownBy(() -> snapshots().create(ContextSnapshotParams.of(context)).block())
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessage("Build succeeded but no image_ref in status: {\"status\":\"succeeded\"}");
	}

	@Test
	void cancellingWhileTheLogStreamsCancelsTheRemoteBuild() throws Exception {
		Path context = context("app");
		this.builder.thenLogs(eventsThenHang("compiling..."));
		CountDownLatch firstLine = new CountDownLatch(1);

		Disposable build = snapshots().create(ContextSnapshotParams.builder(context).onProgress((event) -> {
			this.progress.add(event);
			firstLine.countDown();
		}).build()).subscribe();
		assertThat(firstLine.await(20, TimeUnit.SECONDS)).isTrue();
		build.dispose();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.builder.requests).contains("DELETE /builds/build-42"));
		assertThat(this.builder.count("POST /api/v1/snapshots")).isZero();
	}

	@Test
	void architectureComesFromTheEnvironment() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(events("{\"done\":true}"));

		snapshots(Map.of("TOGETHER_REMOTE_ARCHITECTURE", "arm64"), RetryConfig.defaults())
			.create(ContextSnapshotParams.of(context)).block();

		assertThat(this.builder.registerBodies).singleElement()
			.isEqualTo("{\"image\":\"" + FakeImageBuilder.IMAGE_REF + "\",\"architecture\":\"arm64\"}");
	}

	@Test
	void invalidArchitectureFailsBeforeAnyRequest() throws IOException {
		Path context = context("app");
		ReactiveSnapshots snapshots = snapshots(Map.of("TOGETHER_REMOTE_ARCHITECTURE", "x86_64"),
				RetryConfig.defaults());

		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.create(ContextSnapshotParams.of(context)))
			.withMessage("Invalid TOGETHER_REMOTE_ARCHITECTURE='x86_64'; expected one of: ['amd64', 'arm64']");
		assertThat(this.builder.requests).isEmpty();
	}

	@Test
	void localBuildEnvironmentIsOverriddenByAnExplicitRemoteMode() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(events("{\"done\":true}"));

		snapshots(Map.of("TOGETHER_LOCAL_BUILD", "1"), RetryConfig.defaults())
			.create(ContextSnapshotParams.builder(context).buildMode(SnapshotBuildMode.REMOTE).build())
			.block();

		assertThat(this.builder.count("POST /builds")).isOne();
	}

	@Test
	void badContextsFailBeforeAnyRequest() throws IOException {
		Path context = context("app");
		Path outside = Files.writeString(this.temp.resolve("Dockerfile.outside"), "FROM alpine\n");
		Path noDockerfile = Files.createDirectories(this.temp.resolve("bare"));
		ReactiveSnapshots snapshots = snapshots();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> snapshots.create(ContextSnapshotParams.of(this.temp.resolve("missing"))))
			.withMessageStartingWith("context must be an existing directory");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> snapshots.create(ContextSnapshotParams.builder(context).dockerfile(outside).build()))
			.withMessageStartingWith("dockerfile must be inside the context directory");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.create(ContextSnapshotParams.of(noDockerfile)))
			.withMessageStartingWith("context has no Dockerfile");
		assertThat(this.builder.requests).isEmpty();
	}

	@Test
	void removesItsTemporaryArchive() throws IOException {
		Path context = context("app");
		this.builder.thenLogs(events("{\"done\":true}"));
		long before = temporaryArchives();

		snapshots().create(ContextSnapshotParams.of(context)).block();

		assertThat(temporaryArchives()).isEqualTo(before);
	}

	private static long temporaryArchives() throws IOException {
		try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return files.filter((file) -> file.getFileName().toString().startsWith("together-sandbox-context-")).count();
		}
	}

	private static Entry entry(List<Entry> entries, String name) {
		return entries.stream().filter((entry) -> entry.name().equals(name)).findFirst().orElseThrow();
	}

	private static void write(Path context, String relative, String content) throws IOException {
		Path file = context.resolve(relative);
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
	}

}
