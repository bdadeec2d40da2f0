package ai.together.sandbox.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 and a random port that misbehaves on purpose: each accepted
 * connection is handed to a {@link Behaviour} that writes whatever bytes it likes (or none),
 * resets, stalls or trickles. It counts the connections it accepted and those still open, so that
 * a test can assert that the client closed every one of them.
 */
final class MisbehavingServer implements AutoCloseable {

	/** What the server does with one connection after reading the request head. */
	@FunctionalInterface
	interface Behaviour {

		/**
		 * Answers (or fails to answer) one request.
		 * @param connection the connection
		 * @throws IOException when the client went away
		 * @throws InterruptedException when the server stops
		 */
		void serve(Connection connection) throws IOException, InterruptedException;

	}

	private final ServerSocket socket;

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "misbehaving-server");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger open = new AtomicInteger();

	private final List<String> requestLines = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile Behaviour behaviour;

	private MisbehavingServer(Behaviour behaviour) throws IOException {
		this.behaviour = behaviour;
		this.socket = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
		this.executor.execute(this::acceptLoop);
	}

	/**
	 * Starts a server.
	 * @param behaviour what it does with each connection
	 * @return the running server
	 * @throws IOException when it cannot bind
	 */
	static MisbehavingServer start(Behaviour behaviour) throws IOException {
		return new MisbehavingServer(behaviour);
	}

	/**
	 * Replaces the behaviour for the next connections.
	 * @param behaviour the behaviour
	 */
	void behave(Behaviour behaviour) {
		this.behaviour = behaviour;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.socket.getLocalPort();
	}

	int accepted() {
		return this.accepted.get();
	}

	int open() {
		return this.open.get();
	}

	List<String> requestLines() {
		return List.copyOf(this.requestLines);
	}

	private void acceptLoop() {
		while (!this.socket.isClosed()) {
			Socket client;
			try {
				client = this.socket.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			this.open.incrementAndGet();
			this.sockets.add(client);
			this.executor.execute(() -> handle(client));
		}
	}

	private void handle(Socket client) {
		try (client) {
			Connection connection = new Connection(client);
			// Several requests may come on one connection (keep-alive), until either side closes it.
			String requestLine;
			while (!client.isClosed() && (requestLine = connection.readHead()) != null) {
				this.requestLines.add(requestLine);
				this.behaviour.serve(connection);
			}
		}
		catch (IOException ex) {
			// The client went away: exactly what several behaviours wait for.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.sockets.remove(client);
			this.open.decrementAndGet();
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
		for (Socket client : this.sockets) {
			client.close();
		}
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One accepted connection. */
	static final class Connection {

		private static final ScheduledExecutorService TRICKLE = Executors.newScheduledThreadPool(1, (runnable) -> {
			Thread thread = new Thread(runnable, "misbehaving-server-trickle");
			thread.setDaemon(true);
			return thread;
		});

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private int contentLength;

		private String requestLine = "";

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
		}

		/** Reads the request line and headers (and skips a body with a Content-Length). */
		String readHead() throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int matched = 0;
			int b;
			while (matched < 4 && (b = this.in.read()) >= 0) {
				head.write(b);
				matched = ((b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)))
						? matched + 1 : 0;
			}
			if (matched < 4) {
				return null;
			}
			String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
			this.contentLength = 0;
			for (String line : lines) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					this.contentLength = Integer.parseInt(line.substring(15).trim());
				}
			}
			this.in.readNBytes(this.contentLength);
			this.requestLine = lines[0];
			return lines[0];
		}

		/** The path of the current request (its request-target without the query). */
		String path() {
			String[] parts = this.requestLine.split(" ");
			String target = (parts.length > 1) ? parts[1] : "";
			int query = target.indexOf('?');
			return (query >= 0) ? target.substring(0, query) : target;
		}

		boolean isClosed() {
			return this.socket.isClosed();
		}

		/** Writes text as UTF-8 bytes and flushes. */
		void write(String text) throws IOException {
			write(text.getBytes(StandardCharsets.UTF_8));
		}

		void write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
		}

		/** Writes a complete response with Connection: close, and closes. */
		void respond(int status, String contentType, String body) throws IOException {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
					+ "\r\nConnection: close\r\n\r\n");
			write(bytes);
			this.socket.close();
		}

		/** Writes a complete response and keeps the connection open for the next request. */
		void respondKeepAlive(int status, String contentType, byte[] body) throws IOException {
			ByteArrayOutputStream response = new ByteArrayOutputStream(body.length + 128);
			response.writeBytes(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: "
					+ body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			response.writeBytes(body);
			write(response.toByteArray());
		}

		/** Closes the connection with an orderly FIN. */
		void close() throws IOException {
			this.socket.close();
		}

		/** Closes with a TCP reset rather than an orderly FIN. */
		void reset() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

		/** Waits until the client closes the connection (or the server stops). */
		void awaitClientClose() throws IOException {
			try {
				while (this.in.read() >= 0) {
					// Discard anything the client still sends.
				}
			}
			catch (SocketException ex) {
				// Reset by the client or closed by the server: either way it is gone.
			}
		}

		/**
		 * Writes {@code chunk} every {@code interval} until the client goes away, then returns.
		 * @param chunk what to write each time
		 * @param interval the pause between two writes
		 */
		void trickleUntilClientCloses(byte[] chunk, Duration interval) throws IOException {
			ScheduledFuture<?> writes = TRICKLE.scheduleAtFixedRate(() -> {
				try {
					write(chunk);
				}
				catch (IOException ex) {
					// The client went away; awaitClientClose() notices it too.
					throw new IllegalStateException(ex);
				}
			}, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
			try {
				awaitClientClose();
			}
			finally {
				writes.cancel(false);
			}
		}

	}

}
