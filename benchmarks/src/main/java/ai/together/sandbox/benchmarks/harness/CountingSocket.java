package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A socket listening on 127.0.0.1 that accepts and counts connections and closes each at once:
 * point a client at it to prove that the client opens none.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class CountingSocket implements AutoCloseable {

	private final ServerSocket server;

	private final AtomicLong accepted = new AtomicLong();

	private final Set<Integer> remotePorts = ConcurrentHashMap.newKeySet();

	private final Thread acceptor;

	/**
	 * Starts listening on a free port.
	 */
	public CountingSocket() {
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.remotePorts.add(socket.getPort());
					this.accepted.incrementAndGet();
					socket.close();
				}
				catch (IOException ex) {
					// accept() fails once the socket is closed, which ends the loop.
				}
			}
		}, "counting-socket");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Returns the port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Returns the base URL of the socket.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Returns how many connections it accepted, counting those still waiting in the backlog: it
	 * connects once itself and waits (at most 10 s) until that connection, queued behind any
	 * earlier one, has been accepted.
	 * @return the count, its own connection excluded
	 */
	public long accepted() {
		try (Socket sentinel = new Socket(InetAddress.getByName("127.0.0.1"), port())) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!this.remotePorts.contains(sentinel.getLocalPort())) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the counting socket did not accept its own connection");
				}
				LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
			}
			this.remotePorts.remove(sentinel.getLocalPort());
			return this.accepted.decrementAndGet();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stops listening.
	 */
	@Override
	public void close() {
		try {
			this.server.close();
			this.acceptor.join(5000);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
