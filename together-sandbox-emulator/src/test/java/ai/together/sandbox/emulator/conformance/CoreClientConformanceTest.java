package ai.together.sandbox.emulator.conformance;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.Snapshots;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.emulator.SandboxEmulatorExtension;
import ai.together.sandbox.emulator.conformance.ResponseRecorder.RecordedExchange;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecStatus;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileEncoding;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.WatchEvent;
import ai.together.sandbox.files.WatchEventType;
import ai.together.sandbox.ports.PortInfo;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxStatus;
import ai.together.sandbox.sandboxes.StartType;
import ai.together.sandbox.sandboxes.StopReason;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.CreateSnapshotResult;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildMode;
import ai.together.sandbox.snapshots.SnapshotProgress;
import ai.together.sandbox.snapshots.SnapshotStep;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The upstream e2e scenarios (PROTOCOL.md §6, 1–29) written against the core client the way a
 * user writes them, run against the emulator: each scenario on a fresh sandbox created from a
 * snapshot and shut down afterwards. The client's {@code WebClient} records every response, and
 * after each test every management and agent response body is validated against the OpenAPI
 * schemas (server-sent events one by one); a mismatch fails the test naming the endpoint.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoreClientConformanceTest {

	/** The e2e suite polls for 10 s in its exec tests. */
	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(10);

	/** The endpoints a full run must have validated: if one is missing, the recorder missed it. */
	private static final Set<String> EXPECTED_ENDPOINTS = Set.of("MANAGEMENT POST /snapshots",
			"MANAGEMENT POST /snapshots/{snapshot_id}/aliases", "MANAGEMENT GET /snapshots",
			"MANAGEMENT GET /snapshots/{id}", "MANAGEMENT GET /snapshots/@{alias}", "MANAGEMENT DELETE /snapshots/{id}",
			"MANAGEMENT POST /container-registries/default/credentials", "MANAGEMENT POST /sandboxes",
			"MANAGEMENT GET /sandboxes", "MANAGEMENT GET /sandboxes/{id}", "MANAGEMENT POST /sandboxes/{id}/start",
			"MANAGEMENT POST /sandboxes/{id}/wait", "MANAGEMENT POST /sandboxes/{id}/stop",
			"AGENT POST /api/v1/files/{path}", "AGENT GET /api/v1/files/{path}", "AGENT PATCH /api/v1/files/{path}",
			"AGENT DELETE /api/v1/files/{path}", "AGENT GET /api/v1/file_stat/{path}",
			"AGENT POST /api/v1/directories/{path}", "AGENT GET /api/v1/directories/{path}",
			"AGENT DELETE /api/v1/directories/{path}", "AGENT POST /api/v1/execs", "AGENT GET /api/v1/execs",
			"AGENT GET /api/v1/execs/{id}", "AGENT PUT /api/v1/execs/{id}", "AGENT DELETE /api/v1/execs/{id}",
			"AGENT GET /api/v1/execs/{id}/io", "AGENT POST /api/v1/execs/{id}/io",
			"AGENT GET /api/v1/stream/execs/{id}/io", "AGENT GET /api/v1/stream/execs", "AGENT GET /api/v1/ports",
			"AGENT GET /api/v1/stream/ports", "AGENT GET /api/v1/stream/directories/watcher/{path}",
			"BUILDER POST /builds", "BUILDER GET /builds/{id}/logs", "BUILDER GET /builds/{id}");

	@RegisterExtension
	static SandboxEmulatorExtension emulator = new SandboxEmulatorExtension();

	private static final ResponseRecorder recorder = new ResponseRecorder();

	private static final ResponseSchemaValidator validator = new ResponseSchemaValidator();

	/** How many bodies (or events) of each endpoint were checked. */
	private static final Map<String, Integer> checkedBodies = new ConcurrentHashMap<>();

	private static int testsRun;

	private static ConnectionProvider pool;

	private static TogetherSandbox sdk;

	private static String snapshotId;

	private @Nullable Sandbox sandbox;

	@BeforeAll
	static void connectAndRegisterSnapshot() {
		pool = ConnectionProvider.builder("conformance").maxConnections(50).build();
		sdk = TogetherSandbox.builder()
			.baseUrl(emulator.baseUrl())
			.apiKey(emulator.apiKey())
			.webClientBuilder(WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
				.filter(recorder))
			.responseTimeout(Duration.ofSeconds(10))
			.lifecycleTimeout(Duration.ofSeconds(20))
			.build();
		// What the e2e CI does with the CLI: `snapshots create --image alpine:latest`.
		CreateSnapshotResult snapshot = sdk.snapshots()
			.create(ImageSnapshotParams.builder("alpine:latest").alias("conformance@alpine").build());
		snapshotId = snapshot.snapshotId();
		assertResponsesMatchSchemas();
	}

	@AfterEach
	void shutDownAndCheckResponses() {
		try {
			Sandbox used = this.sandbox;
			if (used != null) {
				this.sandbox = null;
				try (used) {
					assertThat(used.shutdown().status()).isEqualTo(SandboxStatus.STOPPED);
				}
			}
		}
		finally {
			testsRun++;
			assertResponsesMatchSchemas();
		}
	}

	@AfterAll
	static void checkCoverageAndDisconnect() {
		try {
			long tests = Arrays.stream(CoreClientConformanceTest.class.getDeclaredMethods())
				.filter((method) -> method.isAnnotationPresent(Test.class))
				.count();
			// Only a run of the whole class uses every endpoint.
			if (testsRun == tests) {
				assertThat(checkedBodies.keySet()).as("endpoints whose responses were checked")
					.containsAll(EXPECTED_ENDPOINTS);
				assertThat(EXPECTED_ENDPOINTS).as("endpoints of which no body or event was checked")
					.allMatch((endpoint) -> checkedBodies.get(endpoint) > 0);
			}
		}
		finally {
			sdk.close();
			pool.dispose();
		}
	}

	private static void assertResponsesMatchSchemas() {
		List<RecordedExchange> exchanges = recorder.drain();
		assertThat(exchanges).as("responses recorded").isNotEmpty();
		List<String> problems = new ArrayList<>();
		for (RecordedExchange exchange : exchanges) {
			ResponseSchemaValidator.Checked checked = validator.check(exchange);
			checkedBodies.merge(checked.endpoint(), checked.bodies(), Integer::sum);
			problems.addAll(checked.problems());
		}
		if (!problems.isEmpty()) {
			fail(problems.size() + " of " + exchanges.size() + " responses do not match the OpenAPI schemas:\n"
					+ String.join("\n", problems));
		}
	}

	/** The e2e `sandbox` fixture: a fresh sandbox from the snapshot, started; shut down after the test. */
	private Sandbox sandbox() {
		if (this.sandbox == null) {
			SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshotId));
			this.sandbox = sdk.sandboxes().start(created.id());
		}
		return this.sandbox;
	}

	private static ConditionFactory poll() {
		return await().atMost(POLL_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
	}

	private String output(String execId) {
		StringBuilder text = new StringBuilder();
		sandbox().execs().getOutput(execId).forEach((message) -> text.append(message.output()));
		return text.toString();
	}

	// Lifecycle

	@Test
	void scenario01CreateStartShutdown() {
		SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshotId));
		assertThat(created.id()).isNotEmpty();
		assertThat(created.status()).isEqualTo(SandboxStatus.CREATED);
		try (Sandbox started = sdk.sandboxes().start(created.id())) {
			assertThat(started.id()).isEqualTo(created.id());
			assertThat(started.vmInfo().status()).isEqualTo(SandboxStatus.RUNNING);
			assertThat(started.vmInfo().startType()).isEqualTo(StartType.COLD_START);
			SandboxInfo stopped = started.shutdown();
			assertThat(stopped.status()).isEqualTo(SandboxStatus.STOPPED);
			assertThat(stopped.stopReason()).isEqualTo(StopReason.SHUTDOWN);
		}
	}

	@Test
	void scenario02StartAsContextManager() {
		SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshotId));
		try (Sandbox started = sdk.sandboxes().start(created.id())) {
			started.files().create("/test.txt", "test content");
			assertThat(started.files().read("/test.txt")).isEqualTo("test content");
		}
		// Closing the handle does not stop the VM.
		assertThat(sdk.sandboxes().get(created.id()).status()).isEqualTo(SandboxStatus.RUNNING);
		assertThat(sdk.sandboxes().shutdown(created.id()).status()).isEqualTo(SandboxStatus.STOPPED);
	}

	// Filesystem

	@Test
	void scenario03TextRoundTrip() {
		FileContent written = sandbox().files().create("/test-file.txt", "Hello, World!");
		assertThat(written.content()).isEqualTo("Hello, World!");
		assertThat(sandbox().files().read("/test-file.txt")).isEqualTo("Hello, World!");
	}

	@Test
	void scenario04BinaryReadsAsBase64() {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
		sandbox().files().create("/image.png", png);
		String content = sandbox().files().read("/image.png");
		assertThat(Base64.getDecoder().decode(content)).isEqualTo(png);
		assertThat(sandbox().files().readContent("/image.png").encoding()).isEqualTo(FileEncoding.BASE64);
		assertThat(sandbox().files().readBytes("/image.png")).isEqualTo(png);
	}

	@Test
	void scenario05UnicodeRoundTrip() {
		String text = "Hello 世界 🌍 Привет мир";
		sandbox().files().create("/unicode.txt", text);
		assertThat(sandbox().files().read("/unicode.txt")).isEqualTo(text);
	}

	@Test
	void scenario06ReadingADeletedFileFails() {
		sandbox().files().create("/to-delete.txt", "delete me");
		sandbox().files().delete("/to-delete.txt");
		assertThatThrownBy(() -> sandbox().files().read("/to-delete.txt")).isInstanceOfSatisfying(HttpException.class,
				(error) -> assertThat(error.status()).isEqualTo(404));
	}

	@Test
	void scenario07FileInCreatedDirectory() {
		sandbox().directories().create("/test-directory");
		sandbox().files().create("/test-directory/test-file.txt", "inside");
		assertThat(sandbox().files().read("/test-directory/test-file.txt")).isEqualTo("inside");
	}

	@Test
	void scenario08DeletingANonEmptyDirectoryIsRecursive() {
		sandbox().directories().create("/dir-to-delete");
		sandbox().files().create("/dir-to-delete/file.txt", "content");
		sandbox().directories().delete("/dir-to-delete");
		assertThatThrownBy(() -> sandbox().files().read("/dir-to-delete/file.txt"))
			.isInstanceOfSatisfying(HttpException.class, (error) -> assertThat(error.status()).isEqualTo(404));
	}

	@Test
	void scenario09ListDirectory() {
		sandbox().directories().create("/list-dir");
		for (String name : List.of("file1.txt", "file2.txt", "file3.txt")) {
			sandbox().files().create("/list-dir/" + name, name);
		}
		List<FileInfo> entries = sandbox().directories().list("/list-dir");
		assertThat(entries).isNotNull();
		assertThat(entries).extracting(FileInfo::name).containsExactlyInAnyOrder("file1.txt", "file2.txt", "file3.txt");
		assertThat(entries).allSatisfy((entry) -> {
			assertThat(entry.isDir()).isFalse();
			assertThat(entry.size()).isEqualTo(9);
		});
	}

	@Test
	void scenario10EmptyFile() {
		sandbox().files().create("/empty.txt", "");
		assertThat(sandbox().files().read("/empty.txt")).isEmpty();
	}

	@Test
	void scenario11CreatingTwiceOverwrites() {
		sandbox().files().create("/overwrite.txt", "first");
		sandbox().files().create("/overwrite.txt", "second");
		assertThat(sandbox().files().read("/overwrite.txt")).isEqualTo("second");
	}

	@Test
	void scenario12NestedDirectories() {
		sandbox().directories().create("/level1");
		sandbox().directories().create("/level1/level2");
		sandbox().directories().create("/level1/level2/level3");
		sandbox().files().create("/level1/level2/level3/deep.txt", "deep");
		assertThat(sandbox().files().read("/level1/level2/level3/deep.txt")).isEqualTo("deep");
	}

	// Execs

	@Test
	void scenario13EchoExec() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("echo", "hello"));
		assertThat(exec.id()).isNotEmpty();
		assertThat(exec.command()).isEqualTo("echo");
		assertThat(exec.args()).containsExactly("hello");
		assertThat(exec.pid()).isGreaterThanOrEqualTo(0);
	}

	@Test
	void scenario14GetExec() {
		ExecItem created = sandbox().execs().create(ExecRequest.of("echo", "hello"));
		ExecItem got = sandbox().execs().get(created.id());
		assertThat(got.id()).isEqualTo(created.id());
		assertThat(got.command()).isEqualTo("echo");
		assertThat(got.args()).containsExactly("hello");
	}

	@Test
	void scenario15ListShowsTheNewExec() {
		ExecItem created = sandbox().execs()
			.create(ExecRequest.builder("sleep").args("5").autorun(false).build());
		List<ExecItem> execs = sandbox().execs().list();
		assertThat(execs.get(0).id()).isEqualTo(created.id());
	}

	@Test
	void scenario16GettingADeletedExecFails() {
		ExecItem created = sandbox().execs().create(ExecRequest.of("sleep", "30"));
		sandbox().execs().delete(created.id());
		assertThatThrownBy(() -> sandbox().execs().get(created.id())).isInstanceOf(HttpException.class)
			.hasMessageContaining("Failed to execs.get");
	}

	@Test
	void scenario17OutputContainsHello() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("echo", "hello"));
		poll().until(() -> sandbox().execs().getOutput(exec.id()).stream().anyMatch((o) -> o.output().contains("hello")));
	}

	@Test
	void scenario18ExitCode() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("sh", "-c", "exit 42"));
		poll().until(() -> sandbox().execs()
			.getOutput(exec.id())
			.stream()
			.anyMatch((o) -> Integer.valueOf(42).equals(o.exitCode())));
		assertThat(sandbox().execs().get(exec.id()).exitCode()).isEqualTo(42);
	}

	@Test
	void scenario19OutputTypeIsStdout() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("echo", "hello"));
		ExecOutput hello = poll().until(() -> sandbox().execs()
			.getOutput(exec.id())
			.stream()
			.filter((o) -> o.output().contains("hello"))
			.findFirst()
			.orElse(null), (o) -> o != null);
		assertThat(hello.type()).isEqualTo(ExecOutputType.STDOUT);
	}

	@Test
	void scenario20WorkingDirectory() {
		sandbox().directories().create("/exec-cwd-test");
		ExecItem exec = sandbox().execs().create(ExecRequest.builder("pwd").cwd("/exec-cwd-test").build());
		poll().until(() -> output(exec.id()).contains("/exec-cwd-test"));
	}

	@Test
	void scenario21Environment() {
		ExecItem exec = sandbox().execs()
			.create(ExecRequest.builder("sh").args("-c", "echo $MY_VAR").env("MY_VAR", "test_value").build());
		poll().until(() -> output(exec.id()).contains("test_value"));
	}

	@Test
	void scenario22MultipleArgs() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("echo", "one", "two", "three"));
		poll().until(() -> {
			String text = output(exec.id());
			return text.contains("one") && text.contains("two") && text.contains("three");
		});
	}

	@Test
	void scenario23NotAutorunIsNotRunning() {
		ExecItem exec = sandbox().execs().create(ExecRequest.builder("sleep").args("5").autorun(false).build());
		ExecStatus status = sandbox().execs().get(exec.id()).status();
		assertThat(status.isRunning()).isFalse();
	}

	@Test
	void scenario24ResumeRuns() {
		ExecItem exec = sandbox().execs().create(ExecRequest.builder("sleep").args("5").autorun(false).build());
		sandbox().execs().resume(exec.id());
		poll().until(() -> sandbox().execs().get(exec.id()).status().value(), "RUNNING"::equals);
	}

	@Test
	@Timeout(value = 10, unit = TimeUnit.SECONDS)
	void scenario25StreamOutputDeliversEvents() {
		ExecItem exec = sandbox().execs().create(ExecRequest.of("echo", "hello"));
		List<ExecOutput> events;
		try (StreamResponse<ExecOutput> output = sandbox().execs().streamOutput(exec.id())) {
			events = output.stream().toList();
		}
		assertThat(events).isNotEmpty();
		assertThat(events).extracting(ExecOutput::output).anyMatch((text) -> text.contains("hello"));
		assertThat(events.get(events.size() - 1).exitCode()).isZero();
	}

	@Test
	@Timeout(value = 10, unit = TimeUnit.SECONDS)
	void scenario26StreamListDeliversEvents() {
		try (StreamResponse<List<ExecItem>> lists = sandbox().execs().streamList()) {
			Iterator<List<ExecItem>> events = lists.iterator();
			assertThat(events.hasNext()).isTrue();
			assertThat(events.next()).isEmpty();
			ExecItem exec = sandbox().execs().create(ExecRequest.of("true"));
			List<ExecItem> latest;
			do {
				assertThat(events.hasNext()).isTrue();
				latest = events.next();
			}
			while (latest.stream().noneMatch((item) -> item.id().equals(exec.id())));
		}
	}

	@Test
	void scenario27InteractiveStdin() {
		ExecItem exec = sandbox().execs().create(ExecRequest.builder("cat").interactive(true).build());
		ExecItem sent = sandbox().execs().sendStdin(exec.id(), "hello stdin\n");
		assertThat(sent.id()).isEqualTo(exec.id());
		poll().until(() -> output(exec.id()).contains("hello stdin"));
	}

	// Snapshots

	@Test
	void scenario28LocalBuildWithFakeDocker(@TempDir Path temp) throws Exception {
		Path context = Files.createDirectories(temp.resolve("local-context"));
		Files.writeString(context.resolve("Dockerfile"), "FROM alpine:latest\n");
		Path log = temp.resolve("docker.log");
		Path password = temp.resolve("password");
		Path docker = fakeDocker(temp.resolve("bin"), log, password);
		String alias = "e2e-local-" + UUID.randomUUID().toString().substring(0, 8);
		List<SnapshotProgress> progress = Collections.synchronizedList(new ArrayList<>());

		CreateSnapshotResult result;
		try (TogetherSandbox local = clientUsingDocker(docker)) {
			result = local.snapshots()
				.create(ContextSnapshotParams.builder(context)
					.alias(alias)
					.buildMode(SnapshotBuildMode.LOCAL)
					.onProgress(progress::add)
					.build());
		}

		try {
			assertThat(result.snapshotId()).isNotEmpty();
			assertThat(result.alias()).contains("e2e-local");
			assertThat(sdk.snapshots().getById(result.snapshotId()).id()).isEqualTo(result.snapshotId());
			List<String> calls = Files.readAllLines(log);
			assertThat(calls).hasSize(4);
			assertThat(calls.get(0)).isEqualTo("--version");
			assertThat(calls.get(1)).startsWith("build --platform linux/amd64 --progress=plain -t ")
				.endsWith(" " + context.toRealPath());
			String image = calls.get(1).split(" ")[5];
			assertThat(calls.get(2)).matches("login \\S+ --username \\S+ --password-stdin");
			assertThat(image).startsWith(calls.get(2).split(" ")[1] + "/");
			assertThat(calls.get(3)).isEqualTo("push " + image);
			assertThat(Files.readString(password)).isNotEmpty();
			assertThat(progress).extracting(SnapshotProgress::step)
				.containsSubsequence(SnapshotStep.PREPARE, SnapshotStep.BUILD, SnapshotStep.AUTH, SnapshotStep.PUSH,
						SnapshotStep.REGISTER, SnapshotStep.ALIAS);
		}
		finally {
			sdk.snapshots().deleteById(result.snapshotId());
		}
		assertThatThrownBy(() -> sdk.snapshots().getById(result.snapshotId()))
			.isInstanceOfSatisfying(HttpException.class, (error) -> assertThat(error.status()).isEqualTo(404));
	}

	@Test
	void scenario29RemoteBuildBecomesTheSandboxFileTree(@TempDir Path temp) throws IOException {
		Path context = Files.createDirectories(temp.resolve("remote-context"));
		Files.writeString(context.resolve("Dockerfile"), "FROM alpine:latest\n");
		Files.writeString(context.resolve("hello.txt"), "hello from the build context\n");
		String alias = "e2e-remote-" + UUID.randomUUID().toString().substring(0, 8);
		List<SnapshotProgress> progress = Collections.synchronizedList(new ArrayList<>());

		CreateSnapshotResult result = sdk.snapshots().create(ContextSnapshotParams.builder(context)
			.alias(alias)
			.buildMode(SnapshotBuildMode.REMOTE)
			.onProgress(progress::add)
			.build());

		try {
			assertThat(result.snapshotId()).isNotEmpty();
			assertThat(result.alias()).contains("e2e-remote");
			assertThat(progress).extracting(SnapshotProgress::step)
				.containsSubsequence(SnapshotStep.REGISTER, SnapshotStep.ALIAS)
				.doesNotContain(SnapshotStep.PREPARE, SnapshotStep.AUTH, SnapshotStep.PUSH);
			assertThat(progress).filteredOn((event) -> event.step().equals(SnapshotStep.BUILD))
				.allSatisfy((event) -> assertThat(event.output()).startsWith("[image-builder] "));
			SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(result.snapshotId()));
			this.sandbox = sdk.sandboxes().start(created.id());
			assertThat(this.sandbox.directories().list("/")).extracting(FileInfo::name)
				.contains("Dockerfile", "hello.txt");
			assertThat(this.sandbox.files().read("/hello.txt")).isEqualTo("hello from the build context\n");
		}
		finally {
			sdk.snapshots().deleteById(result.snapshotId());
		}
	}

	// Beyond the e2e suite: the rest of the surface, so that every kind of body gets validated.

	@Test
	void staticStartFactoryConnectsWithItsOwnClient() {
		SandboxInfo created = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshotId));
		try (Sandbox started = Sandbox.start(created.id(), emulator.apiKey(), emulator.baseUrl())) {
			assertThat(started.id()).isEqualTo(created.id());
			started.files().create("/static.txt", "started statically");
			assertThat(started.files().read("/static.txt")).isEqualTo("started statically");
			assertThat(started.shutdown().status()).isEqualTo(SandboxStatus.STOPPED);
		}
	}

	@Test
	void runReturnsExitCodeAndBothOutputs() {
		ExecResult result = sandbox().execs()
			.run(ExecRequest.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.isSuccess()).isFalse();
		assertThat(result.stdout()).isEqualTo("out\n");
		assertThat(result.stderr()).isEqualTo("err\n");
	}

	@Test
	void fileActionsAndQueries() {
		Sandbox sandbox = sandbox();
		sandbox.files().create("/a.txt", "abc");
		FileInfo stat = sandbox.files().stat("/a.txt");
		assertThat(stat.name()).isEqualTo("a.txt");
		assertThat(stat.size()).isEqualTo(3);
		sandbox.files().move("/a.txt", "/b.txt");
		sandbox.files().copy("/b.txt", "/c.txt");
		assertThat(sandbox.files().read("/c.txt")).isEqualTo("abc");
		assertThat(sandbox.directories().list("/")).extracting(FileInfo::name).contains("b.txt", "c.txt")
			.doesNotContain("a.txt");
		assertThat(sdk.sandboxes().get(sandbox.id()).status()).isEqualTo(SandboxStatus.RUNNING);
		assertThat(sdk.sandboxes().list()).extracting(SandboxInfo::id).contains(sandbox.id());
		assertThat(sdk.snapshots().list()).extracting((snapshot) -> snapshot.id()).contains(snapshotId);
		assertThat(sdk.snapshots().getByAlias("conformance@alpine").id()).isEqualTo(snapshotId);
		assertThat(sdk.snapshots().issueRegistryCredential().registryUrl()).isNotEmpty();
	}

	@Test
	@Timeout(value = 10, unit = TimeUnit.SECONDS)
	void portsAndWatch() {
		Sandbox sandbox = sandbox();
		List<PortInfo> ports = sandbox.ports().list();
		try (StreamResponse<List<PortInfo>> streamed = sandbox.ports().streamList()) {
			Iterator<List<PortInfo>> events = streamed.iterator();
			assertThat(events.hasNext()).isTrue();
			assertThat(events.next()).isEqualTo(ports);
		}
		sandbox.directories().create("/watched");
		try (StreamResponse<WatchEvent> watch = sandbox.files().watch("/watched", true, List.of("*.log"))) {
			Iterator<WatchEvent> events = watch.iterator();
			assertThat(events.hasNext()).isTrue();
			assertThat(events.next().type()).isEqualTo(WatchEventType.CONNECTED);
			sandbox.files().create("/watched/ignored.log", "noise");
			sandbox.files().create("/watched/new.txt", "x");
			WatchEvent event;
			do {
				assertThat(events.hasNext()).isTrue();
				event = events.next();
				assertThat(event.paths()).noneMatch((path) -> path.endsWith(".log"));
			}
			while (!event.paths().contains("/watched/new.txt"));
		}
	}

	/**
	 * A {@code docker} stand-in that logs its arguments (and the password it reads for
	 * {@code login}) and succeeds.
	 */
	private static Path fakeDocker(Path directory, Path log, Path password) throws IOException {
		Files.createDirectories(directory);
		Path docker = directory.resolve("docker");
		Files.writeString(docker, """
				#!/bin/sh
				echo "$*" >> '%s'
				case "$1" in
				  --version) echo "Docker version 27.0.0, build fake" ;;
				  build) echo "#1 [internal] load build definition from Dockerfile"; echo "#2 FROM alpine:latest" ;;
				  login) cat > '%s'; echo "Login Succeeded" ;;
				  push) echo "The push refers to repository [$2]"; echo "latest: digest: sha256:0 size: 1" ;;
				  *) echo "unexpected docker command: $*" >&2; exit 1 ;;
				esac
				""".formatted(log, password), StandardCharsets.UTF_8);
		Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
		return docker;
	}

	/**
	 * A second client on the same recorded connection whose local builds run another
	 * {@code docker} executable.
	 */
	private static TogetherSandbox clientUsingDocker(Path docker) {
		return TogetherSandbox.builder()
			.baseUrl(emulator.baseUrl())
			.apiKey(emulator.apiKey())
			.webClientBuilder(WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
				.filter(recorder))
			.responseTimeout(Duration.ofSeconds(10))
			.dockerExecutable(docker.toString())
			.build();
	}

}
