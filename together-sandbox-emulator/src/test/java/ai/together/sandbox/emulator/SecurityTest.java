package ai.together.sandbox.emulator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Authentication, isolation between sandboxes, path escapes and body limits.
 */
class SecurityTest {

	private SandboxEmulator emulator;

	private EmulatorClient client;

	private Sandbox sandbox;

	@TempDir
	Path outside;

	@BeforeEach
	void start() {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder().maxJsonBytes(4096).maxUploadBytes(64 * 1024).build());
		this.client = new EmulatorClient(this.emulator);
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}

	@AfterEach
	void stop() {
		this.emulator.close();
	}

	private Path root(Sandbox sandbox) {
		return this.emulator.dataDirectory().resolve("sandboxes").resolve(sandbox.id()).resolve("fs");
	}

	@Test
	void missingOrWrongApiKeyIs401Json() {
		for (String header : new String[] { null, "Bearer wrong", "Basic " + this.emulator.apiKey(), "Bearer " }) {
			HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.emulator.baseUrl() + "/api/v1/sandboxes"));
			if (header != null) {
				builder.header("Authorization", header);
			}
			Response response = EmulatorClient.send(builder.GET().build());
			assertThat(response.status()).as(String.valueOf(header)).isEqualTo(401);
			OpenApiSchemas.get().validate(OpenApiSchemas.Api.MANAGEMENT, "Error", false, response.body());
			assertThat(response.body().get("code").asString()).isEqualTo("UNAUTHORIZED");
			assertThat(response.text()).doesNotContain(this.emulator.apiKey());
		}
		Response builder = EmulatorClient.send(HttpRequest.newBuilder(URI.create(this.emulator.baseUrl() + "/builds/x"))
			.GET()
			.build());
		assertThat(builder.status()).isEqualTo(401);
	}

	@Test
	void agentNeedsTheTokenOfThatSandbox() {
		Sandbox other = this.client.newSandbox(this.client.createSnapshot());
		Sandbox forged = new Sandbox(other.id(), other.agentUrl(), this.sandbox.agentToken(), other.record());
		Response response = this.client.agent(forged, "GET", "/api/v1/execs", null, null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.body().get("code").asInt()).isEqualTo(401);
		OpenApiSchemas.get().validate(OpenApiSchemas.Api.AGENT, "Error", false, response.body());
		Response write = this.client.agent(forged, "POST", "/api/v1/files/" + enc("/x.txt"),
				HttpRequest.BodyPublishers.ofString("x"), null);
		assertThat(write.status()).isEqualTo(401);
		assertThat(root(other).resolve("x.txt")).doesNotExist();
		Response noToken = EmulatorClient.send(HttpRequest.newBuilder(URI.create(other.agentUrl() + "/api/v1/execs"))
			.build());
		assertThat(noToken.status()).isEqualTo(401);
		Response managementKey = this.client.agent(
				new Sandbox(other.id(), other.agentUrl(), this.emulator.apiKey(), other.record()), "GET", "/api/v1/execs",
				null, null);
		assertThat(managementKey.status()).isEqualTo(401);
		Response unknown = this.client.agent(
				new Sandbox("nosuch1", this.emulator.baseUrl() + "/sandboxes/nosuch1/agent", "t", other.record()), "GET",
				"/api/v1/execs", null, null);
		assertThat(unknown.status()).isEqualTo(404);
	}

	@Test
	void traversalIsRefusedAndChangesNothing() throws IOException {
		Path sandboxes = this.emulator.dataDirectory().resolve("sandboxes");
		List<String> before = dataTree();
		for (String path : List.of("/../escape.txt", "../../escape.txt", "/a/../../escape.txt", "/..",
				"/../" + this.sandbox.id() + "x/fs/escape.txt")) {
			Response write = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc(path),
					HttpRequest.BodyPublishers.ofString("pwned"), null);
			assertThat(write.status()).as(path).isBetween(400, 499);
			assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc(path),
					HttpRequest.BodyPublishers.noBody(), null).status()).as(path).isBetween(400, 499);
			assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc(path), null, null).status())
				.isBetween(400, 499);
			assertThat(this.client.agent(this.sandbox, "DELETE", "/api/v1/directories/" + enc(path), null, null).status())
				.isBetween(400, 499);
		}
		Response move = this.client.agent(this.sandbox, "PATCH", "/api/v1/files/" + enc("/a.txt"),
				Map.of("action", "copy", "destination", "/../../escape.txt"), null);
		assertThat(move.status()).isBetween(400, 499);
		Response cwd = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "pwd", "args", List.of(), "cwd", "/../.."), null);
		assertThat(cwd.status()).isEqualTo(400);
		Response watch = EmulatorClient.send(HttpRequest
			.newBuilder(URI.create(this.sandbox.agentUrl() + "/api/v1/stream/directories/watcher/%2F..%2F.."))
			.header("Authorization", "Bearer " + this.sandbox.agentToken())
			.build());
		assertThat(watch.status()).isEqualTo(400);
		assertThat(dataTree()).containsExactlyElementsOf(before);
		assertThat(sandboxes.getParent().resolve("escape.txt")).doesNotExist();
	}

	@Test
	void symlinksPointingOutsideAreRefused() throws IOException {
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), "secret");
		Files.createSymbolicLink(root(this.sandbox).resolve("out"), this.outside);
		Files.createSymbolicLink(root(this.sandbox).resolve("secret-link"), secret);
		Files.createSymbolicLink(root(this.sandbox).resolve("new-link"), this.outside.resolve("new.txt"));
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/secret-link"), null, null).status())
			.isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/out/secret.txt"), null, null).status())
			.isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/file_stat/" + enc("/out/secret.txt"), null, null)
			.status()).isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/directories/" + enc("/out"), null, null).status())
			.isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/secret-link"),
				HttpRequest.BodyPublishers.ofString("overwritten"), null).status()).isBetween(400, 499);
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/out/new.txt"),
				HttpRequest.BodyPublishers.ofString("new"), null).status()).isBetween(400, 499);
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/new-link"),
				HttpRequest.BodyPublishers.ofString("new"), null).status()).isBetween(400, 499);
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/directories/" + enc("/out/dir"),
				HttpRequest.BodyPublishers.noBody(), null).status()).isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "DELETE", "/api/v1/files/" + enc("/out/secret.txt"), null, null)
			.status()).isEqualTo(403);
		this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/inside.txt"),
				HttpRequest.BodyPublishers.ofString("in"), "FileReadResponse");
		assertThat(this.client.agent(this.sandbox, "PATCH", "/api/v1/files/" + enc("/inside.txt"),
				Map.of("action", "move", "destination", "/out/moved.txt"), null).status()).isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "PATCH", "/api/v1/files/" + enc("/secret-link"),
				Map.of("action", "copy", "destination", "/copied.txt"), null).status()).isEqualTo(403);
		assertThat(this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "pwd", "args", List.of(), "cwd", "/out"), null).status()).isEqualTo(403);
		// Removing the link itself is fine and leaves the target alone.
		assertThat(this.client.agent(this.sandbox, "DELETE", "/api/v1/files/" + enc("/out"), null, null).status())
			.isEqualTo(200);
		assertThat(secret).hasContent("secret");
		try (var listing = Files.list(this.outside)) {
			assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
		}
	}

	@Test
	void oversizedBodiesAre413() throws IOException {
		this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/big.bin"),
				HttpRequest.BodyPublishers.ofString("original"), "FileReadResponse");
		Response upload = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/big.bin"),
				HttpRequest.BodyPublishers.ofByteArray(new byte[200 * 1024]), null);
		assertThat(upload.status()).isEqualTo(413);
		assertThat(upload.body().get("code").asInt()).isEqualTo(413);
		assertThat(root(this.sandbox).resolve("big.bin")).hasContent("original");
		// Without Content-Length (chunked) the limit holds too.
		Response chunked = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/big.bin"),
				HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[200 * 1024])),
				null);
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(root(this.sandbox).resolve("big.bin")).hasContent("original");
		String bigJson = "{\"command\":\"echo\",\"args\":[\"" + "x".repeat(10_000) + "\"]}";
		Response json = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				HttpRequest.BodyPublishers.ofString(bigJson, StandardCharsets.UTF_8), null);
		assertThat(json.status()).isEqualTo(413);
		Response management = this.client.management("POST", "/snapshots", bigJson, null);
		assertThat(management.status()).isEqualTo(413);
		assertThat(management.body().get("code").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
	}

	@Test
	void defaultBindIsLoopback() throws IOException {
		assertThat(EmulatorOptions.defaults().bindAddress()).isEqualTo("127.0.0.1");
		assertThat(URI.create(this.emulator.baseUrl()).getHost()).isEqualTo("127.0.0.1");
		for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			for (InetAddress address : Collections.list(nic.getInetAddresses())) {
				if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
					continue;
				}
				try (Socket socket = new Socket()) {
					assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, this.emulator.port()), 1000))
						.as("connect via %s", address)
						.isInstanceOf(IOException.class);
				}
			}
		}
	}

	@Test
	void stoppedSandboxKillsProcessesAndAnswers503() {
		Response exec = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "sleep", "args", List.of("300")), "ExecItem");
		long pid = exec.body().get("pid").asLong();
		assertThat(ProcessHandle.of(pid)).isPresent();
		this.client.stop(this.sandbox.id(), "hibernate");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		Response response = this.client.agent(this.sandbox, "GET", "/api/v1/execs", null, null);
		assertThat(response.status()).isEqualTo(503);
		assertThat(response.body().get("code").asInt()).isEqualTo(503);
		Sandbox restarted = this.client.start(this.sandbox.id());
		assertThat(this.client.agent(restarted, "GET", "/api/v1/execs", null, "ExecListResponse").body().get("execs"))
			.isEmpty();
	}

	@Test
	void deletingASandboxRemovesItsDirectoryAndProcesses() {
		Response exec = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "sleep", "args", List.of("300")), "ExecItem");
		long pid = exec.body().get("pid").asLong();
		Path directory = root(this.sandbox).getParent();
		assertThat(this.client.management("DELETE", "/sandboxes/" + this.sandbox.id(), null, null).status())
			.isEqualTo(204);
		assertThat(directory).doesNotExist();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		// The fixture's shutdown would fail on a deleted sandbox: start a fresh one for @AfterEach symmetry.
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}


	/**
	 * The paths below the data directory, without the emulator's own temporary files: its state
	 * is saved in the background (a temporary file written, then moved over {@code state.json}),
	 * so a file may vanish while the tree is walked.
	 */
	private List<String> dataTree() throws IOException {
		List<String> paths = new ArrayList<>();
		Files.walkFileTree(this.emulator.dataDirectory(), new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				paths.add(dir.toString());
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
				paths.add(file.toString());
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}
		});
		return paths.stream()
			.filter((path) -> !path.contains("/tmp") && !path.endsWith("state.json.tmp"))
			.sorted()
			.toList();
	}

}
