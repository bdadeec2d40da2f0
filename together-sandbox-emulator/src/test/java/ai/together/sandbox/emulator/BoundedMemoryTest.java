package ai.together.sandbox.emulator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The emulator's heap stays bounded whatever its clients and processes do: each test runs the
 * emulator's jar entry point in a JVM with a 64 MiB heap that exits on its first
 * OutOfMemoryError, and makes it move several times that much data. Each takes 5 to 40 s on 2
 * cores, hence off by default: {@code -Demulator.memory.tests=true} runs them.
 */
@EnabledIfSystemProperty(named = BoundedMemoryTest.PROPERTY, matches = "true")
class BoundedMemoryTest {

	/** The system property that enables these tests. */
	static final String PROPERTY = "emulator.memory.tests";

	private static final String HEAP = "64m";

	private ChildEmulator child;

	@AfterEach
	void stop() {
		if (this.child != null) {
			this.child.close();
		}
	}

	private Sandbox sandbox(EmulatorClient client) {
		return client.newSandbox(client.createSnapshot());
	}

	private JsonNode exec(EmulatorClient client, Sandbox sandbox, String script, boolean autorun) {
		Response created = client.agent(sandbox, "POST", "/api/v1/execs",
				Map.of("command", "sh", "args", List.of("-c", script), "autorun", autorun), "ExecItem");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		return created.body();
	}

	private void awaitFinished(EmulatorClient client, Sandbox sandbox, String id) {
		try {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.failFast("the child emulator died", () -> !this.child.isAlive())
				.until(() -> client.agent(sandbox, "GET", "/api/v1/execs/" + enc(id), null, "ExecItem")
					.body()
					.get("status")
					.asString(), "FINISHED"::equals);
		}
		catch (RuntimeException | AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "; its last output:\n" + this.child.output(), ex);
		}
	}

	@Test
	void anOutputStreamThatIsNotReadDoesNotBufferTheOutput() throws IOException {
		this.child = ChildEmulator.start(HEAP);
		EmulatorClient client = this.child.client();
		Sandbox sandbox = sandbox(client);
		// 160 MB of output, 2.5 times the child's heap, as fast as the machine makes it.
		String id = exec(client, sandbox, "head -c 160000000 /dev/zero | tr '\\0' a", false).get("id").asString();
		URI stream = URI.create(sandbox.agentUrl() + "/api/v1/stream/execs/" + id + "/io");
		try (Socket socket = new Socket()) {
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress(stream.getHost(), stream.getPort()), 5000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + stream.getRawPath() + " HTTP/1.1\r\nHost: " + stream.getHost() + ":" + stream.getPort()
					+ "\r\nAuthorization: Bearer " + sandbox.agentToken() + "\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8),
					1024);
			assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
			// The stream is open and read no further while the exec writes everything.
			Response started = client.agent(sandbox, "PUT", "/api/v1/execs/" + enc(id), Map.of("status", "running"),
					"ExecItem");
			assertThat(started.status()).isEqualTo(200);
			awaitFinished(client, sandbox, id);
			long before = System.nanoTime();
			assertThat(client.management("GET", "/sandboxes", null, null).status()).isEqualTo(200);
			assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
			// Reading now gets what is still kept, in order, up to the exit message; what was
			// dropped shows as a gap in the sequence numbers.
			List<Integer> sequences = new ArrayList<>();
			long characters = 0;
			Integer exitCode = null;
			String line;
			while (exitCode == null && (line = in.readLine()) != null) {
				if (line.startsWith("data: ")) {
					JsonNode message = OpenApiSchemas.MAPPER.readTree(line.substring(6));
					sequences.add(message.get("sequence").asInt());
					characters += message.get("output").asString().length();
					if (message.hasNonNull("exitCode")) {
						exitCode = message.get("exitCode").asInt();
					}
				}
			}
			assertThat(exitCode).isZero();
			assertThat(sequences).isSorted().doesNotHaveDuplicates();
			assertThat(characters).isLessThan(160_000_000);
			assertThat(sequences.get(sequences.size() - 1)).isGreaterThan(sequences.size());
		}
		assertThat(this.child.isAlive()).as(this.child.output()).isTrue();
	}

	@Test
	void execsThatWriteMuchOutputKeepOnlyTheirLatestOutput() {
		this.child = ChildEmulator.start(HEAP);
		EmulatorClient client = this.child.client();
		Sandbox sandbox = sandbox(client);
		// Three execs of 40 MB each: together nearly twice the child's heap.
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(exec(client, sandbox, "head -c 40000000 /dev/zero | tr '\\0' b; echo; echo end" + i, true).get("id")
				.asString());
		}
		for (int i = 0; i < ids.size(); i++) {
			awaitFinished(client, sandbox, ids.get(i));
			Response output = client.agent(sandbox, "GET", "/api/v1/execs/" + enc(ids.get(i)) + "/io", null,
					"ExecStdout[]");
			JsonNode messages = output.body();
			JsonNode last = messages.get(messages.size() - 1);
			assertThat(last.get("exitCode").asInt()).isZero();
			StringBuilder text = new StringBuilder();
			messages.forEach(message -> text.append(message.get("output").asString()));
			assertThat(text.toString()).endsWith("\nend" + i + "\n");
			assertThat(text.length()).isLessThanOrEqualTo((int) EmulatorOptions.DEFAULT_MAX_EXEC_OUTPUT_BYTES);
			// The oldest output was dropped: the first message kept is not the first one written.
			assertThat(messages.get(0).get("sequence").asInt()).isGreaterThan(1);
		}
		assertThat(this.child.isAlive()).as(this.child.output()).isTrue();
	}

	@Test
	void aLargeFileIsUploadedAndReadBackInChunks(@TempDir Path tmp) throws Exception {
		this.child = ChildEmulator.start(HEAP);
		EmulatorClient client = this.child.client();
		Sandbox sandbox = sandbox(client);
		// 64 MiB of random bytes (not UTF-8: they come back as base64), the size of the heap.
		Path file = tmp.resolve("big.bin");
		MessageDigest sent = MessageDigest.getInstance("SHA-256");
		try (OutputStream out = Files.newOutputStream(file)) {
			Random random = new Random(15);
			byte[] chunk = new byte[1024 * 1024];
			for (int i = 0; i < 64; i++) {
				random.nextBytes(chunk);
				out.write(chunk);
				sent.update(chunk);
			}
		}
		String expected = HexFormat.of().formatHex(sent.digest());
		URI uri = URI.create(sandbox.agentUrl() + "/api/v1/files/" + enc("/data/big.bin"));
		HttpRequest upload = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + sandbox.agentToken())
			.POST(HttpRequest.BodyPublishers.ofFile(file))
			.build();
		assertThat(readBack(upload, tmp.resolve("created.b64"))).isEqualTo(expected);
		HttpRequest read = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + sandbox.agentToken())
			.GET()
			.build();
		assertThat(readBack(read, tmp.resolve("read.b64"))).isEqualTo(expected);
		assertThat(this.child.isAlive()).as(this.child.output()).isTrue();
	}

	/** Sends a request answered with a FileReadResponse and returns the SHA-256 of its content. */
	private String readBack(HttpRequest request, Path content) throws Exception {
		HttpResponse<InputStream> response = EmulatorClient.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
		Map<String, String> fields;
		try (InputStream body = response.body();
				OutputStream base64 = new BufferedOutputStream(Files.newOutputStream(content), 64 * 1024)) {
			assertThat(response.statusCode()).as(this.child.output()).isIn(200, 201);
			fields = StreamedFileResponse.read(body, base64);
		}
		assertThat(fields).containsEntry("path", "/data/big.bin").containsEntry("encoding", "base64");
		MessageDigest received = MessageDigest.getInstance("SHA-256");
		try (InputStream in = new DigestInputStream(
				Base64.getDecoder().wrap(new BufferedInputStream(Files.newInputStream(content), 64 * 1024)), received)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		return HexFormat.of().formatHex(received.digest());
	}

}
