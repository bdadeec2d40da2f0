package ai.together.sandbox.snapshots;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A local server on 127.0.0.1 that speaks the image-builder protocol of PROTOCOL.md §5.3
 * ({@code POST /builds}, {@code GET /builds/{id}/logs} as server-sent events,
 * {@code GET /builds/{id}}, {@code DELETE /builds/{id}}) and the two management calls a build
 * ends with ({@code POST /api/v1/snapshots}, {@code POST /api/v1/snapshots/{id}/aliases}). The
 * client derives the builder URL from the base URL, which leaves {@code http://127.0.0.1:port}
 * unchanged, so one server answers both. Each log-stream connection is served by the next
 * scripted behaviour; everything received is recorded.
 */
final class FakeImageBuilder implements AutoCloseable {

	static final String BUILD_ID = "build-42";

	static final String SNAPSHOT_ID = "3f0c9a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6";

	static final String IMAGE_REF = "registry.example.com/nbswy3dp/my-app:1700000000";

	/** What one log-stream connection does. */
	@FunctionalInterface
	interface LogScript extends BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	}

	private final DisposableServer server;

	private final Queue<LogScript> logScripts = new ConcurrentLinkedQueue<>();

	final AtomicInteger submitFailuresLeft = new AtomicInteger();

	final List<Upload> uploads = new CopyOnWriteArrayList<>();

	final List<String> requests = new CopyOnWriteArrayList<>();

	final List<String> authorizations = new CopyOnWriteArrayList<>();

	final List<String> registerBodies = new CopyOnWriteArrayList<>();

	final List<String> aliasBodies = new CopyOnWriteArrayList<>();

	volatile String statusBody = "{\"status\":\"succeeded\",\"image_ref\":\"" + IMAGE_REF + "\"}";

	FakeImageBuilder() {
		this.server = HttpServer.create().host("127.0.0.1").port(0).route((routes) -> routes
			.post("/builds", this::submit)
			.get("/builds/{id}/logs", this::logs)
			.get("/builds/{id}", (request, response) -> {
				record(request);
				return response.header("Content-Type", "application/json").sendString(Mono.just(this.statusBody));
			})
			.delete("/builds/{id}", (request, response) -> {
				record(request);
				return response.status(204).send();
			})
			.post("/api/v1/snapshots", (request, response) -> {
				record(request);
				return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap((body) -> {
					this.registerBodies.add(body);
					return response.status(201)
						.header("Content-Type", "application/json")
						.sendString(Mono.just(snapshotJson(SNAPSHOT_ID)))
						.then();
				});
			})
			.post("/api/v1/snapshots/{id}/aliases", (request, response) -> {
				record(request);
				return request.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap((body) -> {
					this.aliasBodies.add(body);
					return response.status(204).send().then();
				});
			})).bindNow();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/** Queues the behaviour of the next log-stream connection. */
	FakeImageBuilder thenLogs(LogScript script) {
		this.logScripts.add(script);
		return this;
	}

	/** A log stream that sends these events and ends normally. */
	static LogScript events(String... data) {
		return (request, response) -> response.header("Content-Type", "text/event-stream")
			.sendString(Flux.fromArray(data).map((line) -> "data: " + line + "\n\n"));
	}

	/** A log stream that sends these events and then drops the connection (no final chunk). */
	static LogScript eventsThenDrop(String... data) {
		return (request, response) -> response.header("Content-Type", "text/event-stream")
			.sendString(Flux.fromArray(data).map((line) -> "data: " + line + "\n\n"))
			.then()
			.then(Mono.fromRunnable(() -> response.withConnection((connection) -> connection.channel().close())));
	}

	/** A log stream request answered with an error status. */
	static LogScript status(int status) {
		return (request, response) -> response.status(status)
			.header("Content-Type", "application/json")
			.sendString(Mono.just("{\"message\":\"build pod not ready\"}"));
	}

	/** A log stream that sends these events and then stays open until the client goes away. */
	static LogScript eventsThenHang(String... data) {
		return (request, response) -> response.header("Content-Type", "text/event-stream")
			.sendString(Flux.fromArray(data).map((line) -> "data: " + line + "\n\n").concatWith(Flux.never()));
	}

	long count(String methodAndPath) {
		return this.requests.stream().filter(methodAndPath::equals).count();
	}

	private void record(HttpServerRequest request) {
		this.requests.add(request.method().name() + " " + request.uri());
		this.authorizations.add(String.valueOf(request.requestHeaders().get("Authorization")));
	}

	private Publisher<Void> submit(HttpServerRequest request, HttpServerResponse response) {
		record(request);
		String contentType = request.requestHeaders().get("Content-Type");
		return request.receive().aggregate().asByteArray().flatMap((body) -> {
			if (this.submitFailuresLeft.getAndDecrement() > 0) {
				return response.status(503).send().then();
			}
			this.uploads.add(Upload.parse(contentType, body));
			return response.status(201)
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"build_id\":\"" + BUILD_ID + "\"}"))
				.then();
		});
	}

	private Publisher<Void> logs(HttpServerRequest request, HttpServerResponse response) {
		record(request);
		LogScript script = this.logScripts.poll();
		if (script == null) {
			return response.status(500).send();
		}
		return script.apply(request, response);
	}

	static String snapshotJson(String id) {
		return "{\"id\":\"" + id + "\",\"project_id\":\"proj-1\",\"byte_size\":1048576,\"protected\":true,"
				+ "\"optimized\":false,\"includes_memory_snapshot\":false,\"created_at\":\"2026-05-12T10:00:00Z\","
				+ "\"updated_at\":\"2026-05-12T10:05:00Z\",\"optimized_at\":null}";
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	/**
	 * One multipart upload as received.
	 *
	 * @param contentType the request's content type
	 * @param fields the text fields, in order
	 * @param fileField the name of the file field
	 * @param fileName its file name
	 * @param fileType its content type
	 * @param file its bytes
	 */
	record Upload(String contentType, Map<String, String> fields, String fileField, String fileName, String fileType,
			byte[] file) {

		static Upload parse(String contentType, byte[] body) {
			String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
			// ISO-8859-1 maps every byte to one char and back, so the file part stays byte-exact.
			String text = new String(body, StandardCharsets.ISO_8859_1);
			String delimiter = "--" + boundary;
			Map<String, String> fields = new LinkedHashMap<>();
			String fileField = null;
			String fileName = null;
			String fileType = null;
			byte[] file = null;
			int start = text.indexOf(delimiter + "\r\n");
			while (start >= 0) {
				int headersStart = start + delimiter.length() + 2;
				int headersEnd = text.indexOf("\r\n\r\n", headersStart);
				int next = text.indexOf("\r\n" + delimiter, headersEnd);
				String headers = text.substring(headersStart, headersEnd);
				String content = text.substring(headersEnd + 4, next);
				String name = attribute(headers, "name");
				String filename = attribute(headers, "filename");
				if (filename != null) {
					fileField = name;
					fileName = filename;
					fileType = header(headers, "Content-Type");
					file = content.getBytes(StandardCharsets.ISO_8859_1);
				}
				else {
					fields.put(name, new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
				}
				start = text.startsWith(delimiter + "--", next + 2) ? -1 : next + 2;
			}
			return new Upload(contentType, fields, fileField, fileName, fileType, file);
		}

		private static String attribute(String headers, String name) {
			String key = "; " + name + "=\"";
			int at = headers.indexOf(key);
			if (at < 0) {
				return null;
			}
			int from = at + key.length();
			return headers.substring(from, headers.indexOf('"', from));
		}

		private static String header(String headers, String name) {
			for (String line : headers.split("\r\n")) {
				if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
					return line.substring(name.length() + 1).trim();
				}
			}
			return null;
		}

		/** The archive's entries, in order. */
		List<Entry> entries() throws IOException {
			List<Entry> entries = new ArrayList<>();
			try (TarArchiveInputStream tar = new TarArchiveInputStream(
					new GZIPInputStream(new ByteArrayInputStream(this.file)))) {
				TarArchiveEntry entry;
				while ((entry = tar.getNextEntry()) != null) {
					byte[] content = entry.isSymbolicLink() ? new byte[0] : tar.readAllBytes();
					entries.add(new Entry(entry.getName(), entry.isSymbolicLink() ? entry.getLinkName() : null,
							entry.isFile() && !entry.isSymbolicLink(), content));
				}
			}
			return entries;
		}

	}

	/**
	 * One archive entry.
	 *
	 * @param name the entry name
	 * @param linkTarget the target of a symbolic link, or {@code null}
	 * @param regularFile whether it is a regular file
	 * @param content the file content
	 */
	record Entry(String name, String linkTarget, boolean regularFile, byte[] content) {

	}

}
