package ai.together.sandbox.benchmarks.harness;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.files.FileContent;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client side of target 4, run in a JVM of its own (the stub stays in the parent, so this
 * heap holds nothing but the client and the file): writes a file of random bytes, reads it back,
 * checks the bytes and prints the times and the heap figures of each half as a {@code RESULT}
 * line. Variants: {@code sdk} (the blocking SDK's {@code upload} from the array, then
 * {@code readBytes}), {@code sdk-create} (its {@code create}, which decodes the echoed file it
 * returns, then {@code readBytes}), {@code none} (no transfer: the caller's arrays alone, the floor
 * of the smallest heap), {@code big} (a file on disk uploaded and downloaded with the file API),
 * {@code webclient} (a bare WebClient doing what
 * the SDK does: the whole JSON joined, parsed into {@code FileContent}, Base64-decoded) and
 * {@code streaming} (the JDK HttpClient with Jackson decoding the Base64 string straight from the
 * socket into bytes, never holding the text: what closing the gap would look like).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class FilesChild {

	private static final String PATH = "/workspace/data/big.bin";

	private static final String ENCODED_PATH = PATH.replace("/", "%2F");

	private FilesChild() {
	}

	/**
	 * Runs one round trip.
	 * @param args the stub's base URL, the file size in bytes, the variant and, for {@code big}, the
	 * directory of its files
	 * @throws Exception when the round trip fails
	 */
	public static void main(String[] args) throws Exception {
		String baseUrl = args[0];
		String variant = args[2];
		int size = variant.equals("big") ? 0 : Integer.parseInt(args[1]);
		TogetherSandbox sdk = TogetherSandbox.builder().apiKey(AgentStub.API_KEY).baseUrl(baseUrl).build();
		ConnectionProvider pool = RawClients.sdkLikePool("raw-files");
		try (Sandbox sandbox = sdk.sandboxes().start(AgentStub.sandboxId(0))) {
			String agentUrl = sandbox.vmInfo().agentUrl();
			if (variant.equals("big")) {
				bigFile(sandbox, Long.parseLong(args[1]), Path.of(args[3]));
				return;
			}
			Client client = switch (variant) {
				case "sdk" -> new SdkClient(sandbox);
				case "sdk-create" -> new SdkCreateClient(sandbox);
				case "none" -> new NoClient();
				case "webclient" -> new WebClientClient(RawClients.webClient(pool), agentUrl);
				case "streaming" -> new StreamingClient(agentUrl);
				default -> throw new IllegalArgumentException("unknown variant " + variant);
			};
			// Warm up (class loading, connections) with a small file.
			byte[] small = new byte[1024 * 1024];
			new Random(7).nextBytes(small);
			client.write(small);
			check(small, client.read());

			byte[] data = new byte[size];
			new Random(42).nextBytes(data);
			long writeBaseline = HeapMeter.usedAfterGc();
			HeapMeter writeMeter = HeapMeter.start(Duration.ofMillis(1));
			long allocatedBefore = allocatedBytes();
			long started = System.nanoTime();
			try {
				client.write(data);
			}
			finally {
				writeMeter.close();
			}
			long writeNanos = System.nanoTime() - started;
			long writeAllocated = allocatedBytes() - allocatedBefore;

			long readBaseline = HeapMeter.usedAfterGc();
			HeapMeter readMeter = HeapMeter.start(Duration.ofMillis(1));
			byte[] read;
			allocatedBefore = allocatedBytes();
			started = System.nanoTime();
			try {
				read = client.read();
			}
			finally {
				readMeter.close();
			}
			long readNanos = System.nanoTime() - started;
			long readAllocated = allocatedBytes() - allocatedBefore;
			check(data, read);
			System.out.println(ChildJvm.RESULT_PREFIX + "ok=true writeMs=" + writeNanos / 1_000_000 + " readMs="
					+ readNanos / 1_000_000 + " writeBaseline=" + writeBaseline + " writePeak=" + writeMeter.peakUsed()
					+ " writePeakAfterGc=" + writeMeter.peakAfterGc() + " writeGcs=" + writeMeter.collections()
					+ " readBaseline=" + readBaseline + " readPeak=" + readMeter.peakUsed() + " readPeakAfterGc="
					+ readMeter.peakAfterGc() + " readGcs=" + readMeter.collections() + " writeAllocated="
					+ writeAllocated + " readAllocated=" + readAllocated + " direct="
					+ Math.max(writeMeter.peakDirect(), readMeter.peakDirect()) + " maxHeap=" + Runtime.getRuntime().maxMemory());
		}
		finally {
			sdk.close();
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	/**
	 * Heap bytes allocated so far by every live thread (the caller and the client's event
	 * loops; the meter's own sampling thread is excluded), a deterministic measure of the copies
	 * a call makes.
	 */
	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (!thread.getName().equals("heap-meter")) {
				total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
			}
		}
		return total;
	}

	private static void check(byte[] expected, byte[] actual) {
		if (!Arrays.equals(expected, actual)) {
			throw new IllegalStateException("the file read back differs from the one written (" + actual.length
					+ " bytes read, " + expected.length + " written)");
		}
	}

	private interface Client {

		void write(byte[] data) throws IOException, InterruptedException;

		byte[] read() throws IOException, InterruptedException;

	}

	/**
	 * The 1 GiB case: a file of random bytes made on disk, uploaded from there, downloaded to
	 * another file, compared chunk by chunk; the heap is whatever {@code -Xmx} the parent chose.
	 */
	private static void bigFile(Sandbox sandbox, long size, Path directory) throws IOException {
		Path source = directory.resolve("source.bin");
		Path target = directory.resolve("target.bin");
		byte[] chunk = new byte[1024 * 1024];
		Random random = new Random(42);
		try (java.io.OutputStream out = Files.newOutputStream(source)) {
			for (long written = 0; written < size; written += chunk.length) {
				random.nextBytes(chunk);
				out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
			}
		}
		HeapMeter meter = HeapMeter.start(Duration.ofMillis(5));
		long started = System.nanoTime();
		long uploaded;
		long downloaded;
		try {
			sandbox.files().upload(PATH, source);
			uploaded = System.nanoTime();
			long bytes = sandbox.files().download(PATH, target);
			downloaded = System.nanoTime();
			if (bytes != size) {
				throw new IllegalStateException("downloaded " + bytes + " bytes, expected " + size);
			}
		}
		finally {
			meter.close();
		}
		if (Files.mismatch(source, target) != -1) {
			throw new IllegalStateException("the file downloaded differs from the one uploaded");
		}
		System.out.println(ChildJvm.RESULT_PREFIX + "ok=true uploadMs=" + (uploaded - started) / 1_000_000
				+ " downloadMs=" + (downloaded - uploaded) / 1_000_000 + " peak=" + meter.peakUsed() + " maxHeap="
				+ Runtime.getRuntime().maxMemory());
	}

	/** The SDK's big-file upload from the caller's array, then {@code readBytes}. */
	private record SdkClient(Sandbox sandbox) implements Client {

		@Override
		public void write(byte[] data) {
			this.sandbox.files().upload(PATH, new ByteArrayInputStream(data));
		}

		@Override
		public byte[] read() {
			return this.sandbox.files().readBytes(PATH);
		}

	}

	/** The SDK's {@code create} (which returns the echoed file, decoded), then {@code readBytes}. */
	private record SdkCreateClient(Sandbox sandbox) implements Client {

		@Override
		public void write(byte[] data) {
			this.sandbox.files().create(PATH, data);
		}

		@Override
		public byte[] read() {
			return this.sandbox.files().readBytes(PATH);
		}

	}

	/** No transfer: the caller's arrays alone, the floor of the smallest heap. */
	private static final class NoClient implements Client {

		private byte[] written = new byte[0];

		@Override
		public void write(byte[] data) {
			this.written = data;
		}

		@Override
		public byte[] read() {
			return this.written.clone();
		}

	}

	private record WebClientClient(WebClient client, String agentUrl) implements Client {

		@Override
		public void write(byte[] data) throws IOException {
			FileContent echoed = exchange(this.client.post()
				.uri(URI.create(this.agentUrl + "/api/v1/files/" + ENCODED_PATH))
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + AgentStub.AGENT_TOKEN)
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.bodyValue(data));
			if (echoed.content().isEmpty()) {
				throw new IOException("files.create echoed no content");
			}
		}

		@Override
		public byte[] read() throws IOException {
			return exchange(this.client.get()
				.uri(URI.create(this.agentUrl + "/api/v1/files/" + ENCODED_PATH))
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + AgentStub.AGENT_TOKEN)).bytes();
		}

		private static FileContent exchange(WebClient.RequestHeadersSpec<?> request) throws IOException {
			DataBuffer body = request.exchangeToMono((response) -> response.statusCode().is2xxSuccessful()
					? DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
					: Mono.error(new IOException("HTTP " + response.statusCode().value())))
				.block(Duration.ofMinutes(2));
			try (InputStream in = body.asInputStream(true)) {
				return RawClients.json().readValue(in, FileContent.class);
			}
		}

	}

	private static final class StreamingClient implements Client {

		private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		private final URI uri;

		StreamingClient(String agentUrl) {
			this.uri = URI.create(agentUrl + "/api/v1/files/" + ENCODED_PATH);
		}

		@Override
		public void write(byte[] data) throws IOException, InterruptedException {
			HttpResponse<InputStream> response = this.client.send(HttpRequest.newBuilder(this.uri)
				.header("Authorization", "Bearer " + AgentStub.AGENT_TOKEN)
				.header("Content-Type", "application/octet-stream")
				.POST(HttpRequest.BodyPublishers.ofByteArray(data))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
			// The echoed content is skipped by the parser without ever being materialised.
			try (InputStream in = response.body(); JsonParser parser = RawClients.json().createParser(in)) {
				expectSuccess(response);
				while (parser.nextToken() != null) {
					// Only the structure is read.
				}
			}
		}

		@Override
		public byte[] read() throws IOException, InterruptedException {
			HttpResponse<InputStream> response = this.client.send(HttpRequest.newBuilder(this.uri)
				.header("Authorization", "Bearer " + AgentStub.AGENT_TOKEN)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofInputStream());
			long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
			ExposedBuffer out = new ExposedBuffer((int) Math.min(Integer.MAX_VALUE - 16, length * 3 / 4));
			String encoding = null;
			try (InputStream in = response.body(); JsonParser parser = RawClients.json().createParser(in)) {
				expectSuccess(response);
				for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
					if (token == JsonToken.PROPERTY_NAME && "content".equals(parser.currentName())) {
						parser.nextToken();
						parser.readBinaryValue(out);
					}
					else if (token == JsonToken.PROPERTY_NAME && "encoding".equals(parser.currentName())) {
						parser.nextToken();
						encoding = parser.getString();
					}
				}
			}
			if (!"base64".equals(encoding)) {
				throw new IOException("expected base64 content, got " + encoding);
			}
			return out.toExactArray();
		}

		private static void expectSuccess(HttpResponse<?> response) throws IOException {
			if (response.statusCode() / 100 != 2) {
				throw new IOException("HTTP " + response.statusCode());
			}
		}

	}

	/** A byte sink presized from the Content-Length, returned without a copy when the size fits exactly. */
	private static final class ExposedBuffer extends ByteArrayOutputStream {

		ExposedBuffer(int capacity) {
			super(Math.max(32, capacity));
		}

		byte[] toExactArray() {
			return (this.count == this.buf.length) ? this.buf : Arrays.copyOf(this.buf, this.count);
		}

	}

}
