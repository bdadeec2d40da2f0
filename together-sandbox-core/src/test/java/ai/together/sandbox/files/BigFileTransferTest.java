package ai.together.sandbox.files;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.ReactiveSandboxFiles;
import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static ai.together.sandbox.testing.AgentResponses.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The big-file API ({@code download} and {@code upload}) against a local agent that answers like
 * the real one: {@code content} before {@code encoding}, Base64 for binary, the text with JSON
 * escapes for UTF-8, and the file echoed by a create.
 */
class BigFileTransferTest {

	private static final int SIZE = 8 * 1024 * 1024;

	private final Map<String, byte[]> files = new ConcurrentHashMap<>();

	/** When set, the body of every file read, instead of the file's JSON. */
	private volatile byte[] readBody;

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox().agent(this::handle);

	@TempDir
	Path temp;

	private SandboxFiles sandboxFiles;

	@BeforeEach
	void start() {
		this.sandboxFiles = this.fake.sandbox().files();
	}

	@Test
	void aBinaryFileUploadedFromAPathAndDownloadedToAPathRoundTrips() throws IOException {
		byte[] bytes = random(SIZE, 1);
		Path source = Files.write(this.temp.resolve("source.bin"), bytes);
		Path target = this.temp.resolve("target.bin");

		this.sandboxFiles.upload("/data/big.bin", source);
		long written = this.sandboxFiles.download("/data/big.bin", target);

		assertThat(this.files.get("/data/big.bin")).isEqualTo(bytes);
		assertThat(written).isEqualTo(SIZE);
		assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
		// The spooled response and the partial target are gone.
		try (var left = Files.list(this.temp)) {
			assertThat(left).containsExactlyInAnyOrder(source, target);
		}
	}

	@Test
	void anUploadFromAPathIsOnTheWireWhatCreateSends() throws IOException {
		byte[] bytes = random(100_000, 2);
		Path source = Files.write(this.temp.resolve("source.bin"), bytes);

		this.sandboxFiles.create("/a b/ü.bin", bytes);
		this.sandboxFiles.upload("/a b/ü.bin", source);

		Request create = this.fake.server().requests().get(0);
		Request upload = this.fake.server().requests().get(1);
		assertThat(upload.method()).isEqualTo("POST").isEqualTo(create.method());
		assertThat(upload.uri()).isEqualTo("/api/v1/files/%2Fa%20b%2F%C3%BC.bin").isEqualTo(create.uri());
		assertThat(upload.contentType()).isEqualTo("application/octet-stream").isEqualTo(create.contentType());
		assertThat(upload.raw().requestHeaders().get("Content-Length")).isEqualTo("100000")
			.isEqualTo(create.raw().requestHeaders().get("Content-Length"));
		assertThat(upload.raw().requestHeaders().get("Transfer-Encoding")).isNull();
		assertThat(upload.body()).isEqualTo(bytes).isEqualTo(create.body());
	}

	@Test
	void anUploadFromAStreamSendsItsBytesAndLeavesItOpen() {
		byte[] bytes = random(SIZE, 3);
		ClosingTracker in = new ClosingTracker(bytes);

		this.sandboxFiles.upload("/stream.bin", in);

		assertThat(this.files.get("/stream.bin")).isEqualTo(bytes);
		assertThat(in.closed).isFalse();
		assertThat(this.fake.server().requests().get(0).contentType()).isEqualTo("application/octet-stream");
	}

	@Test
	void aDownloadIntoAStreamWritesTheBytesAndFlushesWithoutClosing() {
		byte[] bytes = random(SIZE, 4);
		this.files.put("/x.bin", bytes);
		ByteArrayOutputStream out = new ByteArrayOutputStream() {
			@Override
			public void close() {
				throw new AssertionError("the caller's stream was closed");
			}
		};

		assertThat(this.sandboxFiles.download("/x.bin", out)).isEqualTo(SIZE);

		assertThat(out.toByteArray()).isEqualTo(bytes);
	}

	@Test
	void theReactiveFormsStreamBothWays() {
		byte[] bytes = random(SIZE, 5);
		ReactiveSandboxFiles reactive = this.sandboxFiles.reactive();
		Flux<DataBuffer> body = Flux.range(0, SIZE / 65536)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(java.util.Arrays.copyOfRange(bytes, i * 65536,
					(i + 1) * 65536)));

		reactive.upload("/r.bin", body).block(Duration.ofSeconds(30));
		byte[] read = DataBufferUtils.join(reactive.download("/r.bin")).map((buffer) -> {
			byte[] copy = new byte[buffer.readableByteCount()];
			buffer.read(copy);
			DataBufferUtils.release(buffer);
			return copy;
		}).block(Duration.ofSeconds(30));

		assertThat(this.files.get("/r.bin")).isEqualTo(bytes);
		assertThat(read).isEqualTo(bytes);
	}

	@Test
	void textWithEveryKindOfJsonEscapeDownloadsAsItsUtf8Bytes() throws IOException {
		String text = "Hello 世界 🌍 Привет \"quoted\" back\\slash /slash\ttab\r\n\b\f <&> \u2028 end";
		// Escaped the way other encoders do: \/, \\u for the non-ASCII (a surrogate pair for the emoji).
		String escaped = "Hello \\u4e16\\u754C \\ud83c\\udf0d Привет \\\"quoted\\\" back\\\\slash \\/slash\\ttab\\r\\n"
				+ "\\b\\f \\u003c&\\u003E \\u2028 end";
		this.readBody = ("{\"path\":\"/t.txt\",\"content\":\"" + escaped + "\",\"encoding\":\"utf-8\"}")
			.getBytes(StandardCharsets.UTF_8);
		Path target = this.temp.resolve("t.txt");

		this.sandboxFiles.download("/t.txt", target);

		assertThat(Files.readString(target)).isEqualTo(text);
		assertThat(this.sandboxFiles.readBytes("/t.txt")).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void anEmptyFileAndAbsentFieldsDownloadAsNoBytes() throws IOException {
		this.readBody = "{\"path\":\"/e\",\"content\":\"\",\"encoding\":\"base64\",\"extra\":{\"a\":[1,2]}}"
			.getBytes(StandardCharsets.UTF_8);
		Path target = Files.write(this.temp.resolve("e"), new byte[] { 1, 2, 3 });
		assertThat(this.sandboxFiles.download("/e", target)).isZero();
		assertThat(Files.size(target)).isZero();

		this.readBody = "{\"path\":\"/e\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(this.sandboxFiles.readBytes("/e")).isEmpty();
	}

	@Test
	void aMissingFileFailsWithTheAgentsErrorAndLeavesTheTargetAlone() throws IOException {
		Path target = Files.writeString(this.temp.resolve("kept.txt"), "kept");

		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.sandboxFiles.download("/nope", target))
			.withMessage("Failed to files.download for path '/nope': no such file (code: 404)")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404));

		assertThat(Files.readString(target)).isEqualTo("kept");
		try (var left = Files.list(this.temp)) {
			assertThat(left).containsExactly(target);
		}
	}

	@Test
	void aTargetThatCannotBeWrittenFailsBeforeAnyRequest() throws IOException {
		this.files.put("/x", new byte[] { 1 });
		Path missingDirectory = this.temp.resolve("missing/out.bin");
		Path directory = Files.createDirectory(this.temp.resolve("dir"));

		assertThatExceptionOfType(TogetherSandboxException.class)
			.isThrownBy(() -> this.sandboxFiles.download("/x", missingDirectory))
			.withMessageStartingWith("files.download for path '/x': cannot write '" + missingDirectory
					+ "': NoSuchFileException");
		assertThatExceptionOfType(TogetherSandboxException.class)
			.isThrownBy(() -> this.sandboxFiles.download("/x", directory))
			.withMessage("files.download for path '/x': cannot write '" + directory + "': it is a directory");
		assertThat(this.fake.server().requests()).isEmpty();
	}

	@Test
	void aStreamThatFailsToWriteIsReportedAsSuch() {
		this.files.put("/x.bin", random(1000, 6));
		OutputStream broken = new OutputStream() {
			@Override
			public void write(int b) throws IOException {
				throw new IOException("disk full");
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				throw new IOException("disk full");
			}
		};

		assertThatExceptionOfType(TogetherSandboxException.class)
			.isThrownBy(() -> this.sandboxFiles.download("/x.bin", broken))
			.withMessage("files.download for path '/x.bin': cannot write the output stream: IOException: disk full");
	}

	@Test
	void aSourceThatCannotBeReadFailsBeforeAnyRequest() {
		Path missing = this.temp.resolve("missing.bin");

		assertThatExceptionOfType(TogetherSandboxException.class)
			.isThrownBy(() -> this.sandboxFiles.upload("/x", missing))
			.withMessageStartingWith("files.upload for path '/x': cannot read '" + missing + "': NoSuchFileException");
		assertThat(this.fake.server().requests()).isEmpty();
	}

	@Test
	void malformedContentAndUnknownEncodingsAreClearErrors() {
		this.readBody = "{\"path\":\"/b\",\"content\":\"@@not base64@@\",\"encoding\":\"base64\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.sandboxFiles.readBytes("/b"))
			.withMessageStartingWith("files.read returned an invalid response for path '/b' (HTTP 200): "
					+ "the content is not valid Base64");

		this.readBody = "{\"path\":\"/b\",\"content\":\"abc\",\"encoding\":\"utf-16\"}".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(TogetherSandboxException.class)
			.isThrownBy(() -> this.sandboxFiles.download("/b", this.temp.resolve("b")))
			.withMessage("The content of '/b' has an unsupported encoding 'utf-16'");

		this.readBody = "<html>proxy error</html>".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(HttpException.class)
			.isThrownBy(() -> this.sandboxFiles.download("/b", this.temp.resolve("b")))
			.withMessageStartingWith("files.download returned an invalid response for path '/b' (HTTP 200): ");
		try (var left = Files.list(this.temp)) {
			assertThat(left).isEmpty();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private Publisher<Void> handle(Request request, HttpServerResponse response) {
		String path = URLDecoder.decode(request.path().substring("/api/v1/files/".length()), StandardCharsets.UTF_8);
		if (request.method().equals("POST")) {
			this.files.put(path, request.body());
			return json(response, 201, fileJson(path, request.body()));
		}
		if (this.readBody != null) {
			return json(response, 200, this.readBody);
		}
		byte[] content = this.files.get(path);
		return (content != null) ? json(response, 200, fileJson(path, content))
				: json(response, 404, "{\"code\":404,\"message\":\"no such file\"}");
	}

	/** As the agent sends it: content first, then its encoding (Base64 here: binary test data). */
	static byte[] fileJson(String path, byte[] content) {
		return ("{\"path\":\"" + path + "\",\"content\":\"" + Base64.getEncoder().encodeToString(content)
				+ "\",\"encoding\":\"base64\"}").getBytes(StandardCharsets.UTF_8);
	}

	static byte[] random(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		// Never valid UTF-8, so that the agent answers in Base64.
		bytes[0] = (byte) 0xFF;
		return bytes;
	}

	private static final class ClosingTracker extends ByteArrayInputStream {

		private volatile boolean closed;

		ClosingTracker(byte[] bytes) {
			super(bytes);
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

}
