package ai.together.sandbox.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: slow and idle connections are closed (a request head that never completes, a
 * keep-alive connection with no request), while an event stream that stays quiet for longer than
 * both timeouts is left alone. Only 127.0.0.1 is contacted.
 */
class ConnectionTimeoutTest {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private static SandboxEmulator emulator;

	@BeforeAll
	static void start() {
		emulator = SandboxEmulator.start(
				EmulatorOptions.builder().requestHeadTimeout(TIMEOUT).idleTimeout(TIMEOUT).build());
	}

	@AfterAll
	static void stop() {
		emulator.close();
	}

	private static Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", emulator.port()), 5_000);
		socket.setSoTimeout(5_000);
		return socket;
	}

	private static OutputStream write(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return out;
	}

	/** Reads until the server closes; a read timeout (the connection still open) fails. */
	private static void assertClosedByServer(Socket socket, long startNanos) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			while (in.read() != -1) {
				// Whatever the server sends before closing (a 408, say) is fine.
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("the server kept the connection open for 5 s", ex);
		}
		catch (IOException reset) {
			// A reset is a close too.
		}
		assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aRequestHeadThatNeverCompletesIsClosed() throws IOException {
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			write(socket, "GET /api/v1/sandb");
			assertClosedByServer(socket, start);
		}
	}

	@Test
	void aTricklingRequestHeadIsClosed() throws Exception {
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			OutputStream out = write(socket, "GET /api/v1/sandboxes HTTP/1.1\r\nHost: 127.0.0.1\r\n");
			// One header byte every 100 ms: never idle for the idle timeout, never a whole head.
			CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 60; i++) {
						out.write('x');
						out.flush();
						Thread.sleep(100);
					}
				}
				catch (IOException closed) {
					// The server closed the connection: what the test waits for.
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			assertClosedByServer(socket, start);
			socket.close();
			trickle.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void anIdleKeepAliveConnectionIsClosed() throws IOException {
		try (Socket socket = connect()) {
			write(socket, "GET /api/v1/sandboxes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
			Map<String, String> headers = readResponseHead(socket.getInputStream());
			assertThat(headers.get(":status")).isEqualTo("401");
			assertThat(headers.getOrDefault("connection", "")).doesNotContainIgnoringCase("close");
			socket.getInputStream().readNBytes(Integer.parseInt(headers.get("content-length")));
			assertClosedByServer(socket, System.nanoTime());
		}
	}

	@Test
	void aQuietEventStreamStaysOpen() throws Exception {
		EmulatorClient client = new EmulatorClient(emulator);
		Sandbox sandbox = client.newSandbox(client.createSnapshot());
		List<JsonNode> seen = new CopyOnWriteArrayList<>();
		CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> EmulatorClient.sse(
				sandbox.agentUrl() + "/api/v1/stream/execs", sandbox.agentToken(),
				events -> events.stream().anyMatch(e -> e.get("execs").size() == 1
						&& e.get("execs").get(0).get("status").asString().equals("FINISHED")),
				Duration.ofSeconds(20), seen::add));
		await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
		// Quiet for far longer than both timeouts (the keep-alive comments come every 15 s), and
		// still open all that time.
		await().during(TIMEOUT.multipliedBy(5)).atMost(TIMEOUT.multipliedBy(5).plusSeconds(5))
			.until(() -> !stream.isDone());
		assertThat(client.agent(sandbox, "POST", "/api/v1/execs", Map.of("command", "true", "args", List.of()),
				"ExecItem").status()).isEqualTo(201);
		List<JsonNode> events = stream.get(20, TimeUnit.SECONDS);
		assertThat(events).anyMatch(e -> e.get("execs").size() == 1
				&& e.get("execs").get(0).get("status").asString().equals("FINISHED"));
	}

	private static Map<String, String> readResponseHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b == -1) {
				throw new IOException("closed before the response head ended: " + head);
			}
			head.write(b);
		}
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		Map<String, String> headers = new java.util.HashMap<>();
		headers.put(":status", lines[0].split(" ")[1]);
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
			}
		}
		return headers;
	}

}
