package ai.together.sandbox.emulator.hardening;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded, seeded fuzz of every endpoint of the emulator: 1,000 requests with random and
 * malformed methods, paths ({@code ..}, {@code %2e%2e}, overlong UTF-8 dots, absolute paths,
 * {@code %00}, invalid percent-escapes and UTF-8, very long segments, another sandbox's
 * directory), queries, headers and bodies (wrong types, truncated, binary, deeply nested, too
 * large), most of them authenticated so that they reach the handlers. The emulator must answer
 * every one (never a 5xx, every 4xx a JSON error body with a message), keep answering afterwards,
 * and write nothing outside the directory of the sandbox the requests were made for: another
 * sandbox's files, files next to the data directory and a sentinel tree around it are compared
 * byte for byte before and after.
 */
class EmulatorFuzzTest {

	private static final long SEED = 0x5EED_2026L;

	private static final int REQUESTS = 1_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path root;

	private SandboxEmulator emulator;

	private TogetherSandbox sdk;

	private Sandbox target;

	private Sandbox victim;

	@BeforeEach
	void start() throws IOException {
		Files.createDirectories(this.root.resolve("outside/nested"));
		Files.writeString(this.root.resolve("outside/sentinel.txt"), "sentinel");
		Files.writeString(this.root.resolve("outside/nested/deep.txt"), "deep sentinel");
		Path data = Files.createDirectories(this.root.resolve("data"));
		Files.writeString(data.resolve("next-to-sandboxes.txt"), "sentinel in the data directory");
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder()
			.dataDirectory(data)
			.maxUploadBytes(256 * 1024)
			.maxJsonBytes(64 * 1024)
			.build());
		this.sdk = TogetherSandbox.builder().baseUrl(this.emulator.baseUrl()).apiKey(this.emulator.apiKey()).build();
		String snapshot = this.sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
		this.target = this.sdk.sandboxes().start(this.sdk.sandboxes()
			.create(CreateSandboxRequest.builder().id("target1").snapshotId(snapshot).build())
			.id());
		this.victim = this.sdk.sandboxes().start(this.sdk.sandboxes()
			.create(CreateSandboxRequest.builder().id("victim1").snapshotId(snapshot).build())
			.id());
		this.victim.files().create("/victim.txt", "victim");
		this.victim.files().create("/dir/secret.txt", "victim secret");
		this.target.files().create("/a.txt", "a");
		this.target.directories().create("/src");
	}

	@AfterEach
	void stop() {
		if (this.target != null) {
			this.target.close();
		}
		if (this.victim != null) {
			this.victim.close();
		}
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	@Test
	void randomAndMalformedRequestsGetA4xxJsonAnswerAndWriteNothingOutsideTheSandbox() throws IOException {
		Map<String, String> before = snapshotOfWhatMustNotChange();
		Random random = new Random(SEED);
		Generator generator = new Generator(random, this.emulator, this.target, this.victim);
		List<String> failures = new ArrayList<>();
		Map<Integer, Integer> statuses = new TreeMap<>();
		long started = System.nanoTime();
		for (int i = 0; i < REQUESTS; i++) {
			Generator.Request request = generator.next();
			RawHttp.Response response;
			try {
				response = RawHttp.send(this.emulator.port(), request.method(), request.target(), request.headers(),
						request.body());
			}
			catch (IOException ex) {
				failures.add(request + ": no response: " + ex);
				continue;
			}
			statuses.merge(response.status(), 1, Integer::sum);
			String problem = problem(request, response, this.root.toString());
			if (problem != null) {
				failures.add(request + ": " + problem);
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("emulator fuzz: %d requests in %.1f s, statuses %s%n", REQUESTS, seconds, statuses);

		assertThat(failures).as("requests answered wrongly").isEmpty();
		assertThat(statuses.keySet()).as("the fuzz reached handlers that succeed and that refuse")
			.contains(200, 400, 401, 404);
		// Still serving, both APIs.
		assertThat(this.sdk.sandboxes().get("target1").id()).isEqualTo("target1");
		assertThat(this.target.files().read("/a.txt")).isNotNull();
		assertThat(this.victim.files().read("/victim.txt")).isEqualTo("victim");
		assertThat(snapshotOfWhatMustNotChange()).as("files outside the fuzzed sandbox").isEqualTo(before);
		assertThat(newFilesOutsideAllowedPlaces(before)).as("files created outside the fuzzed sandbox").isEmpty();
	}

	/** What is wrong with a response, or {@code null}. */
	private static @Nullable String problem(Generator.Request request, RawHttp.Response response, String hostRoot) {
		int status = response.status();
		if (status == 0) {
			return "the connection closed without a response";
		}
		if (response.text().contains(hostRoot)) {
			return "HTTP " + status + " names a host path: " + response.text();
		}
		if (status >= 500) {
			return "HTTP " + status + " " + response.text();
		}
		if (status < 400 || request.method().equals("HEAD")) {
			return null;
		}
		if (!response.contentType().startsWith("application/json")) {
			return "HTTP " + status + " with content type '" + response.contentType() + "': " + response.text();
		}
		try {
			JsonNode body = JSON.readTree(response.body());
			if (body == null || !body.isObject() || body.get("message") == null || !body.get("message").isString()
					|| body.get("code") == null) {
				return "HTTP " + status + " with an error body that is not {code, message}: " + response.text();
			}
		}
		catch (RuntimeException ex) {
			return "HTTP " + status + " with a body that is not JSON: " + response.text();
		}
		return null;
	}

	/**
	 * Hashes every file that must survive the fuzz untouched: the sentinel tree around the data
	 * directory, the sentinel inside it, and the other sandbox's files.
	 */
	private Map<String, String> snapshotOfWhatMustNotChange() throws IOException {
		Map<String, String> hashes = new TreeMap<>();
		Path victimDirectory = this.emulator.dataDirectory().resolve("sandboxes").resolve(this.victim.id());
		try (Stream<Path> files = Files.walk(this.root)) {
			files.filter(Files::isRegularFile)
				.filter((file) -> !file.startsWith(this.emulator.dataDirectory())
						|| (file.getParent().equals(this.emulator.dataDirectory())
								&& !file.getFileName().toString().startsWith("state.db"))
						|| file.startsWith(victimDirectory.resolve("fs")))
				.forEach((file) -> hashes.put(this.root.relativize(file).toString(), hash(file)));
		}
		assertThat(hashes).containsKeys("outside/sentinel.txt", "data/next-to-sandboxes.txt",
				"data/sandboxes/victim1/fs/dir/secret.txt");
		return hashes;
	}

	/** Files that exist now and did not before, outside the places the emulator may write to. */
	private List<String> newFilesOutsideAllowedPlaces(Map<String, String> before) throws IOException {
		Path data = this.emulator.dataDirectory();
		List<Path> allowed = List.of(data.resolve("sandboxes").resolve(this.target.id()), data.resolve("tmp"),
				data.resolve("builds"), data.resolve("state.db"), data.resolve("state.db-wal"),
				data.resolve("state.db-shm"));
		try (Stream<Path> files = Files.walk(this.root)) {
			return files.filter(Files::isRegularFile)
				.filter((file) -> !before.containsKey(this.root.relativize(file).toString()))
				.filter((file) -> allowed.stream().noneMatch(file::startsWith))
				// Sandboxes the fuzz itself created (POST /sandboxes) get their own directories.
				.filter((file) -> !(file.startsWith(data.resolve("sandboxes"))
						&& !file.startsWith(data.resolve("sandboxes").resolve(this.victim.id()))))
				.map((file) -> this.root.relativize(file).toString())
				.toList();
		}
	}

	private static String hash(Path file) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Generates requests: a valid skeleton, then one or more mutations. */
	static final class Generator {

		/** One generated request. */
		record Request(String method, String target, Map<String, String> headers, byte @Nullable [] body) {

			@Override
			public String toString() {
				String shownTarget = (this.target.length() > 120) ? this.target.substring(0, 120) + "…" : this.target;
				return this.method + " " + shownTarget + " (" + ((this.body != null) ? this.body.length : 0)
						+ " body bytes)";
			}

		}

		/** Includes tokens that break the request line, which the HTTP decoder itself rejects. */
		private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
				"TRACE", "FOO", "get", "PROPFIND", "G ET", "GET\u0000", "\u00ff", "CONNECT");

		private static final List<String> MANAGEMENT = List.of("/api/v1/sandboxes", "/api/v1/sandboxes/{sid}",
				"/api/v1/sandboxes/{sid}/start", "/api/v1/sandboxes/{sid}/stop", "/api/v1/sandboxes/{sid}/wait",
				"/api/v1/sandboxes/{sid}/versions/{seg}", "/api/v1/sandboxes/batch?ids={seg}",
				"/api/v1/sandbox-versions/{seg}", "/api/v1/snapshots", "/api/v1/snapshots/{seg}",
				"/api/v1/snapshots/@{seg}", "/api/v1/snapshots/{seg}/aliases", "/api/v1/snapshot-aliases/{seg}",
				"/api/v1/container-registries/default/credentials", "/api/v1/authorize", "/api/v1", "/api/v1/{seg}");

		private static final List<String> AGENT = List.of("/api/v1/files/{path}", "/api/v1/file_stat/{path}",
				"/api/v1/directories/{path}", "/api/v1/execs", "/api/v1/execs/{seg}", "/api/v1/execs/{seg}/io",
				"/api/v1/execs/{seg}/io?lastSequence={seg}", "/api/v1/stream/execs", "/api/v1/stream/execs/{seg}/io",
				"/api/v1/stream/ports", "/api/v1/ports", "/api/v1/stream/directories/watcher/{path}?recursive={seg}",
				"/api/v1/stream/directories/watcher/{path}?ignorePatterns={glob}&ignorePatterns={glob}",
				"/api/v1/tasks", "/api/v1/setup-tasks", "/api/v1/tasks/{seg}", "/api/v1/{seg}", "/{seg}");

		private static final List<String> BUILDER = List.of("/builds", "/builds/{seg}", "/builds/{seg}/logs");

		private static final List<String> JUNK_TARGETS = List.of("/", "*", "/../../../etc/passwd",
				"http://127.0.0.1/api/v1/sandboxes", "//", "/sandboxes", "/sandboxes/", "/sandboxes//agent",
				"/%2e%2e/%2e%2e/etc/passwd", "/api/v1/../../etc/passwd", "/sandboxes/../api/v1/sandboxes",
				"/api/v1/sandboxes/" + "a".repeat(70_000));

		/** Path parameter mutations: traversal in every spelling, NUL, bad escapes, huge. */
		private static final List<String> HOSTILE = List.of("..", "%2e%2e", "%2E%2E%2F%2E%2E", "..%2F..%2F..%2Fetc%2Fpasswd",
				"%2F..%2F..%2Fnext-to-sandboxes.txt", "%2F..%2F..%2F..%2Foutside%2Fsentinel.txt",
				"..%2Fvictim1%2Ffs%2Fvictim.txt", "%2F..%2F..%2Fvictim1%2Ffs%2Fdir%2Fsecret.txt", "%C0%AE%C0%AE",
				"%C0%AE%C0%AE%C0%AF", "..%5C..%5C", "%5C..%5Cvictim1", "a%00b", "%00", "%2Fa.txt%00.png", "%", "%z", "%zz",
				"%C3%28", "%FF%FE", "%E2%80%A8", "~", "%7E%2F.ssh", "%2Fetc%2Fpasswd", "%2Fproc%2Fself%2Fenviron", ".",
				"%2F.", "a;b", "a%3Bb", "%20", "%0D%0ASet-Cookie:%20x", "%2F%2F%2F", "a/../../b", "%252e%252e");

		private final Random random;

		private final SandboxEmulator emulator;

		private final Sandbox target;

		private final Sandbox victim;

		Generator(Random random, SandboxEmulator emulator, Sandbox target, Sandbox victim) {
			this.random = random;
			this.emulator = emulator;
			this.target = target;
			this.victim = victim;
		}

		Request next() {
			int kind = this.random.nextInt(10);
			String method = (this.random.nextInt(5) == 0) ? pick(METHODS)
					: pick(List.of("GET", "POST", "PATCH", "PUT", "DELETE"));
			String target;
			Map<String, String> headers = new LinkedHashMap<>();
			if (kind < 5) {
				target = this.target.vmInfo().agentUrl().replaceFirst("^http://[^/]+", "") + fill(pick(AGENT));
				credential(headers, this.target.vmInfo().agentToken());
			}
			else if (kind < 8) {
				target = fill(pick(MANAGEMENT));
				credential(headers, this.emulator.apiKey());
			}
			else if (kind < 9) {
				target = fill(pick(BUILDER));
				credential(headers, this.emulator.apiKey());
			}
			else {
				target = pick(JUNK_TARGETS);
				credential(headers, this.emulator.apiKey());
			}
			// Never stop, restart (a new agent token) or delete the two sandboxes: the fuzz must keep
			// reaching their agents.
			if ((method.equals("DELETE") || target.contains("/stop") || target.contains("/start"))
					&& (target.contains("target1") || target.contains("victim1"))) {
				method = "GET";
			}
			if (this.random.nextInt(50) == 0) {
				headers.put("X-Fuzz", "v".repeat(20_000));
			}
			if (this.random.nextInt(50) == 0) {
				headers.put(pick(List.of("Bad Header", "X-\u0001", "")), "value");
			}
			byte[] body = body(target);
			if (body != null && this.random.nextBoolean()) {
				headers.put("Content-Type", pick(List.of("application/json", "application/octet-stream", "text/plain",
						"multipart/form-data; boundary=x", "multipart/form-data", "application/json; charset=latin1")));
			}
			return new Request(method, target, headers, body);
		}

		private void credential(Map<String, String> headers, @Nullable String token) {
			int roll = this.random.nextInt(10);
			if (roll < 8 && token != null) {
				headers.put("Authorization", "Bearer " + token);
			}
			else if (roll == 8) {
				headers.put("Authorization", pick(List.of("Bearer ", "Bearer wrong", "Basic Zm9vOmJhcg==", "Bearer "
						+ this.victim.vmInfo().agentToken(), "bearer\u00ff")));
			}
		}

		private String fill(String template) {
			String filled = template;
			while (filled.contains("{path}")) {
				filled = filled.replaceFirst("\\{path}", pathValue());
			}
			while (filled.contains("{seg}")) {
				filled = filled.replaceFirst("\\{seg}", segmentValue());
			}
			while (filled.contains("{glob}")) {
				filled = filled.replaceFirst("\\{glob}", pick(List.of("%5B", "%7Ba", "*.log", "%5B%5D", "%7B", "**",
						"node_modules", "%5C")));
			}
			while (filled.contains("{sid}")) {
				filled = filled.replaceFirst("\\{sid}", pick(List.of("target1", "victim1", "nosuch1", "x", "%2e%2e",
						"target1%00", "..", "a".repeat(300))));
			}
			return filled;
		}

		private String pathValue() {
			return switch (this.random.nextInt(7)) {
				case 0 -> "%2Fa.txt";
				case 1 -> "%2Fsrc%2Fnew-" + this.random.nextInt(50) + ".txt";
				case 2 -> "src/raw-" + this.random.nextInt(50);
				case 3 -> "%2F" + "x".repeat(1 + this.random.nextInt(5000));
				// Names the operating system refuses (ENAMETOOLONG), last or in the middle.
				case 4 -> pick(List.of("%2F" + "n".repeat(256 + this.random.nextInt(100)),
						"%2Fsrc%2F" + "n".repeat(300) + "%2Ff.txt", "src/" + "n".repeat(300)));
				default -> pick(HOSTILE);
			};
		}

		private String segmentValue() {
			return switch (this.random.nextInt(5)) {
				case 0 -> Integer.toString(this.random.nextInt(2000) - 1000);
				case 1 -> "3f0c6a52-58d1-4c1b-9d7e-2b1f0e6a9c11";
				case 2 -> "a".repeat(1 + this.random.nextInt(3000));
				default -> pick(HOSTILE);
			};
		}

		private byte @Nullable [] body(String target) {
			int roll = this.random.nextInt(12);
			String json = switch (roll) {
				case 0 -> null;
				case 1 -> "";
				case 2 -> "{";
				case 3 -> "[1, 2, 3]";
				case 4 -> "\"a string\"";
				case 5 -> "{\"command\":\"echo\",\"args\":[\"fuzz\"],\"cwd\":\"" + pick(List.of("/", "/src", "/../..",
						"/nowhere", "\\u0000")) + "\"}";
				case 6 -> "{\"command\":" + pick(List.of("1", "null", "[]", "\"\"", "\"no-such-command-fuzz\"",
						"\"echo\"")) + ",\"args\":" + pick(List.of("null", "\"x\"", "[1]", "[\"a\"]", "{}"))
						+ ",\"env\":" + pick(List.of("null", "[]", "{\"A\":1}", "{\"A\":\"b\"}", "{\"A\":\"x\\u0000y\"}",
								"{\"A=B\":\"c\"}", "{\"\":\"c\"}", "{\"A\\u0000\":\"c\"}")) + "}";
				case 7 -> "{\"action\":\"" + pick(List.of("move", "copy", "delete", "")) + "\",\"destination\":\""
						+ pick(List.of("/b.txt", "/../../escape.txt", "/../victim1/fs/victim.txt", "", "/src/")) + "\"}";
				case 8 -> "{\"millicpu\":" + pick(List.of("250", "-1", "1e309", "\"many\"", "99999999999999999999"))
						+ ",\"memory_bytes\":1,\"disk_bytes\":1,\"snapshot_alias\":\"x\",\"id\":\""
						+ pick(List.of("fuzz" + this.random.nextInt(1000), "..", "a/b", "")) + "\"}";
				case 9 -> "[".repeat(5_000 + this.random.nextInt(50_000));
				case 10 -> "{\"stop_type\":\"" + pick(List.of("hibernate", "shutdown", "explode"))
						+ "\",\"status\":\"running\",\"type\":\"" + pick(List.of("stdin", "resize", "x"))
						+ "\",\"input\":\"" + pick(List.of("80x24", "0x0", "99999x1", "hello"))
						+ "\",\"image\":\"alpine\",\"architecture\":\"mips\",\"alias\":\"\"}";
				default -> null;
			};
			if (json != null) {
				return json.getBytes(StandardCharsets.UTF_8);
			}
			if (roll == 11) {
				byte[] bytes = new byte[this.random.nextInt(4) == 0 ? 300 * 1024 : this.random.nextInt(2048)];
				this.random.nextBytes(bytes);
				return bytes;
			}
			return (target.contains("/files/") && this.random.nextBoolean()) ? "content".getBytes(StandardCharsets.UTF_8)
					: null;
		}

		private <T> T pick(List<T> values) {
			return values.get(this.random.nextInt(values.size()));
		}

	}

}
