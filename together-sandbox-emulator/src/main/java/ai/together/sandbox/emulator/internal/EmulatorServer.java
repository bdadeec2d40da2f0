package ai.together.sandbox.emulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ai.together.sandbox.emulator.internal.agent.AgentApi;
import ai.together.sandbox.emulator.internal.builder.BuilderApi;
import ai.together.sandbox.emulator.internal.exec.ProcessIsolation;
import ai.together.sandbox.emulator.internal.exec.OutputBudget;
import ai.together.sandbox.emulator.internal.http.DecodingFailureResponder;
import ai.together.sandbox.emulator.internal.http.Dispatcher;
import ai.together.sandbox.emulator.internal.http.RequestHeadTimeout;
import ai.together.sandbox.emulator.internal.management.CurrentManagementApi;
import ai.together.sandbox.emulator.internal.management.ManagementApi;
import ai.together.sandbox.emulator.internal.state.EmulatorState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP server: one port for the management API of both generations (the seed's
 * {@code /api/v1}, the current {@code /v1}), every sandbox's agent API
 * ({@code /sandboxes/<id>/agent}) and the image builder ({@code /builds}), each with its route
 * table.
 */
public final class EmulatorServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmulatorServer.class);

	private final EmulatorState state;

	private final DisposableServer server;

	private final String baseUrl;

	private final LoopResources loops;

	/**
	 * Starts a server.
	 * @param bindAddress the address to listen on
	 * @param port the port, 0 for a free one
	 * @param apiKey the management API key
	 * @param dataDirectory where sandboxes and metadata are kept
	 * @param maxJsonBytes the largest JSON request body accepted
	 * @param maxUploadBytes the largest file upload or build context accepted
	 * @param maxFileBytes the largest file the files API reads or writes
	 * @param outputBudget the limits of the output execs keep
	 * @param transitionDelay how long starting and stopping take
	 * @param requestHeadTimeout how long a client has to send a whole request head
	 * @param idleTimeout how long a connection may stay open with no request in flight
	 * @param isolation how execs run
	 */
	public EmulatorServer(String bindAddress, int port, String apiKey, Path dataDirectory, long maxJsonBytes,
			long maxUploadBytes, long maxFileBytes, OutputBudget outputBudget, Duration transitionDelay,
			Duration requestHeadTimeout, Duration idleTimeout, ProcessIsolation isolation) throws IOException {
		Files.createDirectories(dataDirectory.resolve("sandboxes"));
		Files.createDirectories(dataDirectory.resolve("tmp"));
		this.state = new EmulatorState(dataDirectory, transitionDelay, Duration.ofSeconds(60));
		String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
		if (isWildcard(bindAddress)) {
			// Every interface, the loopback one included: hand out the URL that works locally.
			host = "127.0.0.1";
		}
		String origin = "http://" + host + ":";
		// The port is known once bound; URLs are only handed out after that.
		ManagementApi management = new ManagementApi(this.state, apiKey, () -> origin + port(),
				maxJsonBytes);
		CurrentManagementApi current = new CurrentManagementApi(this.state, apiKey, () -> origin + port(),
				maxJsonBytes);
		AgentApi agent = new AgentApi(this.state.sandboxes(), maxJsonBytes, maxUploadBytes, maxFileBytes,
				outputBudget, dataDirectory.resolve("tmp"), Duration.ofMillis(250), isolation);
		BuilderApi builder = new BuilderApi(this.state.builds(), this.state.snapshots(), apiKey, maxUploadBytes);
		Dispatcher dispatcher = new Dispatcher(List.of(management.routes(), current.routes(), agent.routes(),
				builder.routes()),
				maxJsonBytes, Duration.ofSeconds(15));
		// Own event loops, not Reactor Netty's global ones: a Spring context in the same JVM
		// disposes the global loops when it closes (ReactorResourceFactory), which would take the
		// emulator down with it.
		this.loops = LoopResources.create("together-sandbox-emulator", 1,
				Math.max(2, Runtime.getRuntime().availableProcessors()), true);
		try {
			this.server = HttpServer.create()
				.runOn(this.loops)
				.host(bindAddress)
				.port(port)
				.httpRequestDecoder(spec -> spec.maxInitialLineLength(64 * 1024))
				// Closes a connection with no request in flight (before its first request, between
				// keep-alive requests); a request being read or answered, even a long upload or an
				// event stream, is never cut.
				.idleTimeout(idleTimeout)
				.doOnChannelInit((observer, channel, remote) -> {
					// Requests the decoder rejects (too long, malformed) get a JSON error too.
					channel.pipeline()
						.addAfter(NettyPipeline.HttpCodec, "emulator.decodingFailures",
								new DecodingFailureResponder(dispatcher::errorStyle));
					// A head trickled byte by byte resets the idle timeout; this limit it cannot.
					RequestHeadTimeout.install(channel.pipeline(), NettyPipeline.HttpCodec, requestHeadTimeout);
				})
				.handle(dispatcher::handle)
				.bindNow(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			disposeLoops();
			this.state.close();
			throw ex;
		}
		this.baseUrl = origin + this.server.port();
	}

	/**
	 * Registers snapshot aliases that do not exist yet, each with a snapshot of its own.
	 * @param aliases the aliases ({@code namespace@alias})
	 */
	public void preregisterSnapshotAliases(List<String> aliases) {
		for (String alias : aliases) {
			int at = alias.indexOf('@');
			this.state.snapshots()
				.ensureAlias(alias, "emulator/" + alias.substring(0, at) + ":" + alias.substring(at + 1));
		}
	}

	private static boolean isWildcard(String address) {
		try {
			return java.net.InetAddress.getByName(address).isAnyLocalAddress();
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

	/**
	 * Returns the origin of the server, without {@code /api/v1}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	@Override
	public void close() {
		try {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			logger.debug("The HTTP server did not stop cleanly: " + ex.getMessage());
		}
		this.state.close();
		disposeLoops();
	}

	private void disposeLoops() {
		try {
			// No quiet period (Netty's default waits two seconds for tasks that never come): the
			// server is closed, nothing more is submitted to these loops.
			this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			logger.debug("The event loops did not stop cleanly: " + ex.getMessage());
		}
	}

}
