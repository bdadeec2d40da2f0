package ai.together.sandbox.files;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.http.server.HttpServerResponse;

import static ai.together.sandbox.testing.AgentResponses.events;
import static ai.together.sandbox.testing.AgentResponses.json;
import static ai.together.sandbox.testing.AgentResponses.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Files round-trip through a local agent that keeps them in memory, decodes the path it receives
 * and answers like the real agent: {@code utf-8} for valid UTF-8, {@code base64} for anything else,
 * and the file echoed by a create.
 */
class FileTransferTest {

	private final Map<String, byte[]> files = new ConcurrentHashMap<>();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox().agent(this::handle);

	private SandboxFiles sandboxFiles;

	@BeforeEach
	void start() {
		this.sandboxFiles = this.fake.sandbox().files();
	}

	@Test
	void aFileHoldingAll256ByteValuesRoundTrips() {
		byte[] bytes = new byte[256];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}

		FileContent created = this.sandboxFiles.create("/bin/all-bytes", bytes);

		assertThat(this.files.get("/bin/all-bytes")).isEqualTo(bytes);
		assertThat(created.encoding()).isEqualTo(FileEncoding.BASE64);
		assertThat(this.sandboxFiles.readBytes("/bin/all-bytes")).isEqualTo(bytes);
		// read() returns what the agent sent, like the Python SDK.
		assertThat(this.sandboxFiles.read("/bin/all-bytes")).isEqualTo(Base64.getEncoder().encodeToString(bytes));
		assertThat(this.fake.server().requests().get(0).contentType()).isEqualTo("application/octet-stream");
	}

	@Test
	void aFileOf64MebibytesRoundTrips() {
		byte[] bytes = new byte[64 * 1024 * 1024];
		new Random(42).nextBytes(bytes);

		long started = System.nanoTime();
		this.sandboxFiles.create("/big.bin", bytes);
		long uploaded = System.nanoTime();
		byte[] read = this.sandboxFiles.readBytes("/big.bin");
		long downloaded = System.nanoTime();

		assertThat(read).isEqualTo(bytes);
		System.out.printf("64 MiB binary file: create (upload + base64 echo) %.2f s, readBytes %.2f s%n",
				(uploaded - started) / 1e9, (downloaded - uploaded) / 1e9);
	}

	@Test
	void textRoundTripsExactlyAsUtf8() {
		for (String text : List.of("Hello 世界 🌍 Привет", "", "line\r\nnext\n\ttab \"quoted\" \\ back")) {
			this.sandboxFiles.create("/text.txt", text);
			assertThat(this.files.get("/text.txt")).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
			assertThat(this.sandboxFiles.read("/text.txt")).isEqualTo(text);
			assertThat(this.sandboxFiles.readContent("/text.txt").encoding()).isEqualTo(FileEncoding.UTF_8);
		}
	}

	@Test
	void pathsWithSpacesNonAsciiPercentHashAndQuestionMarkRoundTrip() {
		String path = "/dir with space/ünï%#?.txt";

		this.sandboxFiles.create(path, "content");
		this.sandboxFiles.copy(path, path + " copy");

		assertThat(this.files).containsOnlyKeys(path, path + " copy");
		assertThat(this.sandboxFiles.read(path)).isEqualTo("content");
		assertThat(this.sandboxFiles.stat(path).path()).isEqualTo(path);
		this.sandboxFiles.delete(path);
		assertThat(this.files).containsOnlyKeys(path + " copy");
		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.sandboxFiles.read(path))
			.withMessage("Failed to files.read for path '/dir with space/ünï%#?.txt': no such file (code: 404)");
		// Exactly PROTOCOL.md's enc(): every byte but A-Z a-z 0-9 _ . - ~ percent-encoded.
		assertThat(this.fake.server().uris()).contains("/api/v1/files/%2Fdir%20with%20space%2F%C3%BCn%C3%AF%25%23%3F.txt",
				"/api/v1/file_stat/%2Fdir%20with%20space%2F%C3%BCn%C3%AF%25%23%3F.txt");
	}

	@Test
	void watchSendsAnAwkwardPathWithItsSlashesAndOnlyTheNecessaryEncoding() {
		String path = "/dir with space/ünï%#?";

		try (StreamResponse<WatchEvent> watch = this.sandboxFiles.watch(path, false, List.of("*.log", "a b"))) {
			WatchEvent first = watch.iterator().next();
			assertThat(first.type()).isEqualTo(WatchEventType.CONNECTED);
			assertThat(first.paths()).containsExactly(path);
		}
		Request request = this.fake.server().requests().get(0);
		assertThat(request.uri())
			.isEqualTo("/api/v1/stream/directories/watcher//dir%20with%20space/%C3%BCn%C3%AF%25%23%3F"
					+ "?recursive=false&ignorePatterns=%2A.log&ignorePatterns=a%20b");
		assertThat(request.query())
			.isEqualTo(Map.of("recursive", List.of("false"), "ignorePatterns", List.of("*.log", "a b")));
	}

	private Publisher<Void> handle(Request request, HttpServerResponse response) {
		String filesPrefix = "/api/v1/files/";
		String statPrefix = "/api/v1/file_stat/";
		String watchPrefix = "/api/v1/stream/directories/watcher/";
		if (request.path().startsWith(watchPrefix)) {
			// The watcher path is raw with slashes: decode each character escape.
			String watched = decode(request.path().substring(watchPrefix.length()));
			return sse(response).sendString(Flux.just(events("{\"paths\":[\"" + watched
					+ "\"],\"type\":\"connected\",\"timestamp\":\"2026-05-12T10:00:00Z\"}")).concatWith(Flux.never()));
		}
		if (request.path().startsWith(statPrefix)) {
			String path = decode(request.path().substring(statPrefix.length()));
			byte[] content = this.files.get(path);
			return (content != null) ? json(response, 200, toJson(Map.of("name", "x", "path", path, "isDir", false,
					"size", content.length, "modTime", "2026-05-12T10:00:00Z"))) : notFound(response);
		}
		if (!request.path().startsWith(filesPrefix)) {
			return notFound(response);
		}
		String path = decode(request.path().substring(filesPrefix.length()));
		switch (request.method()) {
			case "POST" -> {
				this.files.put(path, request.body());
				return json(response, 201, fileJson(path, request.body()));
			}
			case "GET" -> {
				byte[] content = this.files.get(path);
				return (content != null) ? json(response, 200, fileJson(path, content)) : notFound(response);
			}
			case "PATCH" -> {
				Map<String, Object> action = readJson(request.body());
				byte[] content = this.files.get(path);
				String destination = (String) action.get("destination");
				this.files.put(destination, content);
				if ("move".equals(action.get("action"))) {
					this.files.remove(path);
				}
				return json(response, 200, toJson(Map.of("message", "ok", "from", path, "to", destination)));
			}
			case "DELETE" -> {
				return (this.files.remove(path) != null)
						? json(response, 200, toJson(Map.of("message", "deleted", "path", path))) : notFound(response);
			}
			default -> {
				return notFound(response);
			}
		}
	}

	private static Publisher<Void> notFound(HttpServerResponse response) {
		return json(response, 404, "{\"code\":404,\"message\":\"no such file\"}");
	}

	private static byte[] fileJson(String path, byte[] content) {
		String text = utf8(content);
		if (text != null) {
			Map<String, Object> file = new LinkedHashMap<>();
			file.put("path", path);
			file.put("content", text);
			file.put("encoding", "utf-8");
			return Json.write(file);
		}
		// Base64 needs no JSON escaping: assemble the (large) body directly.
		String head = "{\"path\":" + new String(Json.write(path), StandardCharsets.UTF_8)
				+ ",\"encoding\":\"base64\",\"content\":\"";
		byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
		byte[] base64 = Base64.getEncoder().encode(content);
		byte[] body = new byte[headBytes.length + base64.length + 2];
		System.arraycopy(headBytes, 0, body, 0, headBytes.length);
		System.arraycopy(base64, 0, body, headBytes.length, base64.length);
		body[body.length - 2] = '"';
		body[body.length - 1] = '}';
		return body;
	}

	private static String utf8(byte[] content) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(content))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static String decode(String encoded) {
		return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
	}

	private static String toJson(Map<String, Object> value) {
		return new String(Json.write(value), StandardCharsets.UTF_8);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readJson(byte[] body) {
		return Json.mapper().readValue(body, Map.class);
	}

}
