package ai.together.sandbox.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Execs see the sandbox's file tree as {@code /} (a mount namespace), and each sandbox's processes
 * form one kill domain: a stop, a hibernate or a delete ends all of them, double-forked ones and
 * ones created while the sandbox stops included.
 */
class ExecIsolationTest {

	/**
	 * The longest a condition of these tests is awaited: what takes a second alone took several
	 * on a 2-core machine while another test JVM ran a thousand execs. Met conditions end the
	 * wait at once.
	 */
	static final Duration PATIENCE = Duration.ofSeconds(30);

	private SandboxEmulator emulator;

	private EmulatorClient client;

	private Sandbox sandbox;

	/** How the emulator of these tests runs execs. */
	EmulatorOptions.Isolation isolation() {
		return EmulatorOptions.Isolation.AUTO;
	}

	@BeforeEach
	void startSandbox() {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder().isolation(isolation()).build());
		this.client = new EmulatorClient(this.emulator);
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}

	@AfterEach
	void shutdown() {
		try {
			if (this.sandbox != null) {
				this.client.stop(this.sandbox.id(), "shutdown");
			}
		}
		finally {
			this.emulator.close();
		}
	}

	private JsonNode exec(Map<String, Object> request) {
		Response response = this.client.agent(this.sandbox, "POST", "/api/v1/execs", request, "ExecItem");
		assertThat(response.status()).as(response.text()).isEqualTo(201);
		return response.body();
	}

	private JsonNode awaitFinished(String id) {
		return await().atMost(PATIENCE)
			.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id, null, "ExecItem").body(),
					e -> e.get("status").asString().equals("FINISHED"));
	}

	private String output(String id) {
		StringBuilder sb = new StringBuilder();
		this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + id + "/io", null, "ExecStdout[]")
			.body()
			.valueStream()
			.forEach(m -> sb.append(m.get("output").asString()));
		return sb.toString();
	}

	/**
	 * The running host processes whose command line holds {@code marker}, e.g. a unique sleep time.
	 * Each process costs one read of its {@code /proc/<pid>/cmdline}: {@link ProcessHandle#info()}
	 * reads several files and looks up the user, and while another test JVM ran a thousand execs,
	 * one such scan of this machine took longer than five seconds.
	 */
	static List<ProcessHandle> processesWith(String marker) {
		List<ProcessHandle> found = new ArrayList<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : processes) {
				if (commandLine(process).contains(marker)) {
					ProcessHandle.of(Long.parseLong(process.getFileName().toString()))
						.filter(ExecIsolationTest::running)
						.ifPresent(found::add);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return found;
	}

	/** The command line of a process, its arguments joined by spaces; empty once it has exited. */
	private static String commandLine(Path process) {
		try {
			return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.ISO_8859_1)
				.replace('\0', ' ');
		}
		catch (IOException ex) {
			// It exited while the machine was scanned.
			return "";
		}
	}

	/**
	 * Whether a process runs: alive and not a zombie (a killed orphan stays one until this
	 * machine's init reaps it, and {@link ProcessHandle#isAlive()} counts zombies as alive).
	 */
	static boolean running(ProcessHandle process) {
		if (!process.isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"), StandardCharsets.ISO_8859_1);
			return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
		}
		catch (IOException ex) {
			return process.isAlive();
		}
	}

	static boolean running(long pid) {
		return ProcessHandle.of(pid).map(ExecIsolationTest::running).orElse(false);
	}

	/** A sleep time no other process of the machine uses: its command line marks our processes. */
	static String uniqueSleep() {
		return Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 900_000));
	}

	@Test
	void filesOfTheFilesApiAreAtTheSamePathsForCommands() {
		Namespaces.assumeIn(this.emulator);
		this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/app"),
				HttpRequest.BodyPublishers.noBody(), "FileOperationResponse");
		this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/app/main.py"),
				HttpRequest.BodyPublishers.ofString("import os\nprint('hello', os.getcwd())\n"), "FileReadResponse");
		JsonNode python = exec(Map.of("command", "python3", "args", List.of("/app/main.py"), "cwd", "/app"));
		JsonNode done = awaitFinished(python.get("id").asString());
		assertThat(output(python.get("id").asString())).isEqualTo("hello /app\n");
		assertThat(done.get("exitCode").asInt()).isZero();
		// What a command writes, the files API reads at the same path; /tmp is the sandbox's.
		JsonNode write = exec(Map.of("command", "sh", "args",
				List.of("-c", "pwd > /app/where.txt && echo $HOME >> /app/where.txt && touch /tmp/mine"), "cwd", "/app"));
		awaitFinished(write.get("id").asString());
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/app/where.txt"), null,
				"FileReadResponse").body().get("content").asString()).isEqualTo("/app\n/\n");
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/file_stat/" + enc("/tmp/mine"), null, null).status())
			.isEqualTo(200);
		// An absolute command is a file of the sandbox; a missing one is refused as before.
		this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/app/run.sh"),
				HttpRequest.BodyPublishers.ofString("#!/bin/sh\necho ran in $(pwd)\n"), "FileReadResponse");
		JsonNode script = exec(Map.of("command", "sh", "args", List.of("-c", "chmod +x /app/run.sh && /app/run.sh")));
		awaitFinished(script.get("id").asString());
		assertThat(output(script.get("id").asString())).isEqualTo("ran in /\n");
		Response missing = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "no-such-command-" + UUID.randomUUID()), null);
		assertThat(missing.status()).as(missing.text()).isEqualTo(400);
		// The host's own files are not the sandbox's.
		JsonNode host = exec(Map.of("command", "sh", "args",
				List.of("-c", "test -e " + this.emulator.dataDirectory() + " && echo VISIBLE || echo HIDDEN")));
		awaitFinished(host.get("id").asString());
		assertThat(output(host.get("id").asString())).isEqualTo("HIDDEN\n");
	}

	@Test
	void aServerStartedInTheBackgroundOutlivesItsExecAndItsPortIsListed() throws Exception {
		Namespaces.assumeIn(this.emulator);
		int port;
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		JsonNode starter = exec(Map.of("command", "sh", "args", List.of("-c",
				"python3 -m http.server " + port + " --bind 127.0.0.1 >/dev/null 2>&1 & echo started")));
		awaitFinished(starter.get("id").asString());
		int expected = port;
		await().atMost(PATIENCE).until(() -> this.client
			.agent(this.sandbox, "GET", "/api/v1/ports", null, "PortsListResponse")
			.body()
			.get("ports")
			.valueStream()
			.anyMatch(p -> p.get("port").asInt() == expected));
		this.client.stop(this.sandbox.id(), "shutdown");
		assertThat(processesWith("http.server " + port)).isEmpty();
		this.sandbox = this.client.start(this.sandbox.id());
	}

	@Test
	void ptyExecsRunInTheSandboxToo() {
		Namespaces.assumeIn(this.emulator);
		this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/work"),
				HttpRequest.BodyPublishers.noBody(), "FileOperationResponse");
		JsonNode shell = exec(Map.of("command", "sh", "args", List.of(), "pty", true, "interactive", true, "cwd",
				"/work"));
		String id = shell.get("id").asString();
		this.client.agent(this.sandbox, "POST", "/api/v1/execs/" + id + "/io",
				Map.of("type", "stdin", "input", "echo AT-$(pwd)-; test -t 0 && echo IS-A-TTY; exit 3\n"), "ExecItem");
		JsonNode done = awaitFinished(id);
		assertThat(output(id)).contains("AT-/work-", "IS-A-TTY");
		assertThat(done.get("exitCode").asInt()).isEqualTo(3);
	}

	/**
	 * Commands that leave processes behind when they exit, each with the marker of those: a
	 * double fork (re-parented to init), a job in a process group of its own, and with namespaces
	 * a daemon in a session of its own, its output detached.
	 */
	private List<List<String>> leavers(List<String> markers) {
		List<List<String>> commands = new ArrayList<>();
		String doubleFork = "sleep " + uniqueSleep();
		commands.add(List.of("sh", "-c", "(" + doubleFork + " &) &"));
		markers.add(doubleFork);
		String job = "sleep " + uniqueSleep();
		commands.add(List.of("sh", "-c", "set -m; " + job + " & echo started"));
		markers.add(job);
		if (this.emulator.isolation() == EmulatorOptions.Isolation.NAMESPACES) {
			// Its output goes elsewhere, as a daemon's does: outside the exec's session, a holder
			// of the pipes would delay the exit for the longest drain period (10 s) instead of one.
			String daemon = "sleep " + uniqueSleep();
			commands.add(List.of("sh", "-c", "(setsid " + daemon + " </dev/null >/dev/null 2>&1 &) &"));
			markers.add(daemon);
		}
		return commands;
	}

	@Test
	void stopHibernateAndDeleteKillProcessesLeftBehind() {
		for (String how : List.of("shutdown", "hibernate", "delete")) {
			List<String> markers = new ArrayList<>();
			List<String> ids = new ArrayList<>();
			for (List<String> command : leavers(markers)) {
				ids.add(exec(Map.of("command", command.get(0), "args", command.subList(1, command.size()))).get("id")
					.asString());
			}
			// Awaited together: a child left behind holds its exec's pipes, so each exit is reported
			// only after the output drain period.
			ids.forEach(this::awaitFinished);
			List<ProcessHandle> left = new ArrayList<>();
			for (String marker : markers) {
				left.addAll(await().atMost(PATIENCE)
					.until(() -> processesWith(marker), list -> !list.isEmpty()));
			}
			if (how.equals("delete")) {
				assertThat(this.client.management("DELETE", "/sandboxes/" + this.sandbox.id(), null, null).status())
					.isEqualTo(204);
			}
			else {
				this.client.stop(this.sandbox.id(), how);
			}
			assertThat(left).as("after %s", how).noneMatch(ExecIsolationTest::running);
			this.sandbox = how.equals("delete") ? null : this.client.start(this.sandbox.id());
		}
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}

	@Test
	void anExecCreatedWhileTheSandboxStopsNeverSurvivesTheStop() {
		for (int trial = 0; trial < 6; trial++) {
			String sleep = uniqueSleep();
			List<CompletableFuture<Response>> creates = new ArrayList<>();
			CompletableFuture<Void> stop = null;
			for (int i = 0; i < 12; i++) {
				creates.add(CompletableFuture.supplyAsync(() -> this.client.agent(this.sandbox, "POST",
						"/api/v1/execs", Map.of("command", "sleep", "args", List.of(sleep)), null)));
				if (i == 6) {
					String id = this.sandbox.id();
					stop = CompletableFuture.runAsync(() -> this.client.stop(id, "shutdown"));
				}
			}
			stop.join();
			List<Long> accepted = new ArrayList<>();
			for (CompletableFuture<Response> create : creates) {
				Response response = create.join();
				assertThat(response.status()).as(response.text()).isIn(201, 409, 503);
				if (response.status() == 201) {
					accepted.add(response.body().get("pid").asLong());
				}
			}
			assertThat(accepted).as("trial %d", trial)
				.noneMatch(ExecIsolationTest::running);
			assertThat(processesWith("sleep " + sleep)).as("trial %d", trial).isEmpty();
			this.sandbox = this.client.start(this.sandbox.id());
			assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/execs", null, "ExecListResponse")
				.body()
				.get("execs")).as("trial %d", trial).isEmpty();
		}
	}

}
