package ai.together.sandbox.emulator.internal.state;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Dispatcher;
import ai.together.sandbox.emulator.internal.management.CurrentManagementApi;
import ai.together.sandbox.emulator.internal.management.ManagementApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A change that cannot be saved (the disk is full: every commit of the database fails) is answered
 * with a 500 JSON error that names no host path, and is not made: neither in memory nor, after a
 * restart, in the data directory. Then, with room again, changes succeed as before.
 */
class FailedStateWriteTest {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	Path dataDirectory;

	private final AtomicBoolean diskFull = new AtomicBoolean();

	/** The writes of a transaction whose commit fails even with room: one of them matches. */
	private final AtomicReference<Predicate<String>> failingWrites = new AtomicReference<>(sql -> false);

	private EmulatorState state;

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
			this.server = null;
		}
		if (this.state != null) {
			this.state.close();
			this.state = null;
		}
	}

	/**
	 * The real database, whose commits fail with SQLITE_FULL while {@link #diskFull} is set, or
	 * when a statement of the transaction matches {@link #failingWrites}.
	 */
	private UnaryOperator<Connection> failingCommits() {
		return connection -> {
			// The store uses its connection under one lock: one transaction at a time.
			List<String> transaction = new CopyOnWriteArrayList<>();
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().equals("commit")) {
							boolean fails = this.diskFull.get()
									|| transaction.stream().anyMatch(this.failingWrites.get());
							transaction.clear();
							if (fails) {
								throw new SQLiteException("[SQLITE_FULL] database or disk is full ("
										+ this.dataDirectory + "/state.db)", SQLiteErrorCode.SQLITE_FULL);
							}
						}
						if (method.getName().equals("rollback")) {
							transaction.clear();
						}
						Object result = invoke(connection, method, args);
						if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement statement) {
							String sql = (String) args[0];
							return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
									new Class<?>[] { PreparedStatement.class }, (p, m, a) -> {
										if (m.getName().equals("executeUpdate")) {
											transaction.add(sql);
										}
										return invoke(statement, m, a);
									});
						}
						return result;
					});
		};
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private String start() {
		this.state = new EmulatorState(this.dataDirectory, SqliteStateStore.open(this.dataDirectory, failingCommits()),
				Duration.ofMillis(20), Duration.ofSeconds(10));
		ManagementApi management = new ManagementApi(this.state, "key", () -> "http://127.0.0.1:1", 1024 * 1024);
		CurrentManagementApi current = new CurrentManagementApi(this.state, "key", () -> "http://127.0.0.1:1",
				1024 * 1024);
		Dispatcher dispatcher = new Dispatcher(List.of(management.routes(), current.routes()), 1024 * 1024,
				Duration.ofSeconds(15));
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle(dispatcher::handle).bindNow();
		return "http://127.0.0.1:" + this.server.port() + "/api/v1";
	}

	record Answer(int status, JsonNode body, String text) {
	}

	private static Answer call(String base, String method, String path, String json) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
			.header("Authorization", "Bearer key")
			.header("Content-Type", "application/json")
			.build(), HttpResponse.BodyHandlers.ofString());
		return new Answer(response.statusCode(),
				response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body()), response.body());
	}

	private void assertRefused(Answer answer, String what) {
		assertThat(answer.status()).as("%s while the disk is full: %s", what, answer.text()).isEqualTo(500);
		assertThat(answer.body().get("code").asString()).isEqualTo("INTERNAL_ERROR");
		assertThat(answer.body().get("message").asString()).contains("SQLITE_FULL");
		assertThat(answer.text()).doesNotContain(this.dataDirectory.toString()).doesNotContain("state.db");
	}

	@Test
	void aChangeThatCannotBeSavedAnswersAnErrorAndIsNotMade() throws Exception {
		String api = start();
		String snapshot = call(api, "POST", "/snapshots", "{\"image\":\"alpine:latest\"}").body().get("id").asString();
		assertThat(call(api, "POST", "/snapshots/" + snapshot + "/aliases", "{\"alias\":\"kept@v1\"}").status())
			.isEqualTo(204);
		String create = "{\"millicpu\":250,\"memory_bytes\":1,\"disk_bytes\":1,\"snapshot_id\":\"" + snapshot + "\"}";
		String running = call(api, "POST", "/sandboxes", create).body().get("id").asString();
		call(api, "POST", "/sandboxes/" + running + "/start", "{}");
		assertThat(call(api, "POST", "/sandboxes/" + running + "/wait", null).body().get("status").asString())
			.isEqualTo("running");
		String created = call(api, "POST", "/sandboxes", create).body().get("id").asString();

		this.diskFull.set(true);
		assertRefused(call(api, "POST", "/sandboxes", create.replace("{", "{\"id\":\"lost-1\",")), "create sandbox");
		assertRefused(call(api, "POST", "/snapshots", "{\"image\":\"lost:1\"}"), "create snapshot");
		assertRefused(call(api, "POST", "/snapshots/" + snapshot + "/aliases", "{\"alias\":\"lost@v1\"}"),
				"create alias");
		assertRefused(call(api, "POST", "/sandboxes/" + running + "/stop", "{\"stop_type\":\"hibernate\"}"),
				"hibernate");
		assertRefused(call(api, "POST", "/sandboxes/" + created + "/start", "{}"), "start");
		assertRefused(call(api, "DELETE", "/sandboxes/" + created, null), "delete sandbox");
		assertRefused(call(api, "DELETE", "/snapshot-aliases/@kept%40v1", null), "delete alias");
		assertRefused(call(api, "DELETE", "/snapshots/" + snapshot, null), "delete snapshot");
		assertThatThrownBy(() -> this.state.builds()
			.add(BuildRecord.of("lostbuild", "lost", "localhost/emulator/lost:latest", "Dockerfile", null, "now",
					List.of(), 0)))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(500));

		// Nothing of it was made in memory.
		assertUnchanged(api, snapshot, running, created, "running");
		assertNoBuild("lostbuild");

		// Nor in the data directory.
		this.diskFull.set(false);
		stop();
		api = start();
		assertUnchanged(api, snapshot, running, created, "stopped");
		assertThat(call(api, "GET", "/sandboxes/" + running, null).body().get("stop_reason").asString())
			.as("the hibernate was refused; the sandbox stopped with the emulator").isEqualTo("shutdown");
		assertNoBuild("lostbuild");

		// With room again, the same changes are made.
		assertThat(call(api, "POST", "/sandboxes", create.replace("{", "{\"id\":\"lost-1\",")).status()).isEqualTo(201);
		assertThat(call(api, "POST", "/snapshots/" + snapshot + "/aliases", "{\"alias\":\"lost@v1\"}").status())
			.isEqualTo(204);
		assertThat(call(api, "DELETE", "/sandboxes/" + created, null).status()).isEqualTo(204);
		stop();
		api = start();
		assertThat(call(api, "GET", "/sandboxes/lost-1", null).status()).isEqualTo(200);
		assertThat(call(api, "GET", "/snapshot-aliases/@lost%40v1", null).status()).isEqualTo(200);
		assertThat(call(api, "GET", "/sandboxes/" + created, null).status()).isEqualTo(404);
	}

	@Test
	void aChangeOfTheCurrentGenerationThatCannotBeSavedAnswersAnErrorAndIsNotMade() throws Exception {
		String v1 = start().replace("/api/v1", "/v1");
		String snapshot = call(v1, "POST", "/snapshots", "{\"image\":\"alpine:latest\"}").body().get("id").asString();
		assertThat(call(v1, "POST", "/snapshots/" + snapshot + "/aliases", "{\"alias\":\"kept@v1\"}").status())
			.isEqualTo(204);
		String create = "{\"snapshot_id\":\"" + snapshot + "\"}";
		String running = call(v1, "POST", "/sandboxes", create).body().get("id").asString();
		assertThat(call(v1, "POST", "/sandboxes/" + running + "/wait", null).body().get("status").asString())
			.isEqualTo("running");

		this.diskFull.set(true);
		assertRefused(call(v1, "POST", "/sandboxes", create), "create a running sandbox");
		assertRefused(call(v1, "POST", "/sandboxes/" + running + "/terminate", null), "terminate");
		assertRefused(call(v1, "POST", "/snapshots/" + snapshot + "/retire", null), "retire");
		assertRefused(call(v1, "POST", "/snapshots", "{\"image\":\"lost:1\"}"), "create snapshot");
		assertRefused(call(v1, "POST", "/snapshots/" + snapshot + "/aliases", "{\"alias\":\"lost@v1\"}"),
				"alias upsert");
		assertRefused(call(v1, "DELETE", "/snapshot-aliases/kept%40v1", null), "delete alias");

		// Nothing of it was made in memory.
		assertCurrentUnchanged(v1, snapshot, running, "running", "cold_started");

		// Nor in the data directory: the sandbox, running when the emulator stopped, was lost.
		this.diskFull.set(false);
		stop();
		v1 = start().replace("/api/v1", "/v1");
		assertCurrentUnchanged(v1, snapshot, running, "terminated", "node_lost");

		// With room again, the same changes are made.
		assertThat(call(v1, "POST", "/snapshots/" + snapshot + "/retire", null).body().get("retired_at").isNull())
			.isFalse();
		assertThat(call(v1, "DELETE", "/snapshot-aliases/kept%40v1", null).status()).isEqualTo(204);
		stop();
		v1 = start().replace("/api/v1", "/v1");
		assertThat(call(v1, "GET", "/snapshots/" + snapshot, null).body().get("retired_at").isNull()).isFalse();
		assertThat(call(v1, "GET", "/snapshots/@kept%40v1", null).status()).isEqualTo(404);
	}

	@Test
	void aTerminationSnapshotThatCannotBeSavedLeavesNoSnapshotNorAliasAndKeepsTheFiles() throws Exception {
		String v1 = start().replace("/api/v1", "/v1");
		String snapshot = call(v1, "POST", "/snapshots", "{\"image\":\"alpine:latest\"}").body().get("id").asString();
		String create = "{\"snapshot_id\":\"" + snapshot
				+ "\",\"termination_policy\":{\"snapshot\":{\"aliases\":[\"lost@v2\"]}}}";
		String sandbox = call(v1, "POST", "/sandboxes", create).body().get("id").asString();
		assertThat(call(v1, "POST", "/sandboxes/" + sandbox + "/wait", null).body().get("status").asString())
			.isEqualTo("running");
		Path files = this.dataDirectory.resolve("sandboxes").resolve(sandbox).resolve("fs");
		Files.writeString(files.resolve("work.txt"), "unsaved work");

		// Only the transaction of the snapshot fails: the termination itself is saved.
		this.failingWrites.set(sql -> sql.startsWith("INSERT INTO snapshots"));
		assertThat(call(v1, "POST", "/sandboxes/" + sandbox + "/terminate", null).status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> call(v1, "GET", "/sandboxes/" + sandbox, null).body().get("status").asString(),
					"terminated"::equals);
		this.failingWrites.set(sql -> false);

		for (int start = 1; start <= 2; start++) {
			String api = start == 1 ? v1 : start().replace("/api/v1", "/v1");
			JsonNode terminated = call(api, "GET", "/sandboxes/" + sandbox, null).body();
			assertThat(terminated.get("status").asString()).as("start %d", start).isEqualTo("terminated");
			assertThat(terminated.get("status_reason").asString()).isEqualTo("termination_requested");
			assertThat(call(api, "GET", "/snapshots/@sandbox%3A" + sandbox, null).status()).isEqualTo(404);
			assertThat(call(api, "GET", "/snapshots/@lost%40v2", null).status()).isEqualTo(404);
			assertThat(call(api, "GET", "/snapshots", null).body().get("data").valueStream()
				.map(s -> s.get("id").asString())
				.toList()).containsExactly(snapshot);
			assertThat(this.dataDirectory.resolve("snapshots")).satisfiesAnyOf(
					dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
			assertThat(files.resolve("work.txt")).as("the files the snapshot did not save").hasContent("unsaved work");
			stop();
		}
	}

	@Test
	void aTtlTerminationThatCannotBeSavedLeavesTheSandboxRunning() throws Exception {
		String v1 = start().replace("/api/v1", "/v1");
		String snapshot = call(v1, "POST", "/snapshots", "{\"image\":\"alpine:latest\"}").body().get("id").asString();
		AtomicInteger updates = new AtomicInteger();
		// The end of the start (the first update of the sandbox) is saved; the termination its ttl
		// begins (the second) is not.
		this.failingWrites.set(sql -> sql.startsWith("UPDATE sandboxes") && updates.incrementAndGet() > 1);
		String sandbox = call(v1, "POST", "/sandboxes", "{\"snapshot_id\":\"" + snapshot + "\",\"ttl\":1}").body()
			.get("id")
			.asString();
		assertThat(call(v1, "POST", "/sandboxes/" + sandbox + "/wait", null).body().get("status").asString())
			.isEqualTo("running");
		await().atMost(Duration.ofSeconds(10)).until(() -> updates.get() >= 2);
		JsonNode record = call(v1, "GET", "/sandboxes/" + sandbox, null).body();
		assertThat(record.get("status").asString()).as("after the ttl: %s", record).isEqualTo("running");
		assertThat(record.get("status_reason").asString()).isEqualTo("cold_started");
		this.failingWrites.set(sql -> false);
		stop();
		v1 = start().replace("/api/v1", "/v1");
		assertThat(call(v1, "GET", "/sandboxes/" + sandbox, null).body().get("status_reason").asString())
			.as("lost with the emulator, never autoterminated").isEqualTo("node_lost");
	}

	@Test
	void aPreRegisteredAliasWhoseAliasCannotBeSavedLeavesNoSnapshot() {
		start();
		this.failingWrites.set(sql -> sql.startsWith("INSERT OR REPLACE INTO aliases"));
		assertThatThrownBy(() -> this.state.snapshots().ensureAlias("pre@v1", "alpine:latest"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(500));
		assertThat(this.state.snapshots().list()).isEmpty();
		this.failingWrites.set(sql -> false);
		stop();
		start();
		assertThat(this.state.snapshots().list()).isEmpty();
		assertThat(this.state.snapshots().ensureAlias("pre@v1", "alpine:latest")).isTrue();
		stop();
		start();
		assertThat(this.state.snapshots().byAlias("pre@v1").image()).isEqualTo("alpine:latest");
	}

	private void assertCurrentUnchanged(String v1, String snapshot, String running, String status, String reason)
			throws Exception {
		JsonNode sandboxes = call(v1, "GET", "/sandboxes", null).body().get("data");
		assertThat(sandboxes.valueStream().map(s -> s.get("id").asString()).toList()).containsExactly(running);
		JsonNode sandbox = call(v1, "GET", "/sandboxes/" + running, null).body();
		assertThat(sandbox.get("status").asString()).isEqualTo(status);
		assertThat(sandbox.get("status_reason").asString()).isEqualTo(reason);
		JsonNode kept = call(v1, "GET", "/snapshots/" + snapshot, null).body();
		assertThat(kept.get("retired_at").isNull()).as("not retired").isTrue();
		assertThat(call(v1, "GET", "/snapshots", null).body().get("data").valueStream()
			.map(s -> s.get("id").asString())
			.toList()).containsExactly(snapshot);
		assertThat(call(v1, "GET", "/snapshots/@kept%40v1", null).body().get("id").asString()).isEqualTo(snapshot);
		assertThat(call(v1, "GET", "/snapshots/@lost%40v1", null).status()).isEqualTo(404);
	}

	private void assertNoBuild(String id) {
		assertThatThrownBy(() -> this.state.builds().get(id))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(404));
	}

	private void assertUnchanged(String api, String snapshot, String running, String created, String runningStatus)
			throws Exception {
		JsonNode sandboxes = call(api, "GET", "/sandboxes", null).body();
		assertThat(sandboxes.valueStream().map(s -> s.get("id").asString()).toList()).containsExactly(running, created);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> call(api, "GET", "/sandboxes/" + running, null).body().get("status").asString(),
					runningStatus::equals);
		assertThat(call(api, "GET", "/sandboxes/" + created, null).body().get("status").asString())
			.isEqualTo("created");
		assertThat(call(api, "GET", "/snapshots", null).body().valueStream().map(s -> s.get("id").asString()).toList())
			.containsExactly(snapshot);
		assertThat(call(api, "GET", "/snapshot-aliases/@kept%40v1", null).body().get("snapshot_id").asString())
			.isEqualTo(snapshot);
		assertThat(call(api, "GET", "/snapshot-aliases/@lost%40v1", null).status()).isEqualTo(404);
	}

}
