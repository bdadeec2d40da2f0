package ai.together.sandbox.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.together.sandbox.emulator.internal.EmulatorServer;
import ai.together.sandbox.emulator.internal.exec.Leftovers;
import ai.together.sandbox.emulator.internal.exec.ProcessIsolation;
import ai.together.sandbox.emulator.internal.exec.OutputBudget;
import ai.together.sandbox.emulator.internal.state.Ids;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A running local emulator of the Together Sandbox APIs: the management API of both generations
 * (the seed's under {@code baseUrl() + "/api/v1"}, the current one under {@code baseUrl() + "/v1"},
 * on one state), each sandbox's agent API at its agent URL, and the remote image builder under
 * {@code baseUrl() + "/builds"}.
 *
 * <p>Sandboxes are directories of this machine and execs are local processes that run as the
 * current user: the emulator is a development tool, not an isolation boundary. Where Linux
 * namespaces are available (bubblewrap installed), each sandbox's execs see its directory as
 * {@code /} and a stop ends all of its processes; see {@link EmulatorOptions#isolation()}.
 *
 * <pre>{@code
 * try (SandboxEmulator emulator = SandboxEmulator.start()) {
 *     TogetherSandbox sdk = TogetherSandbox.builder()
 *         .baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build();
 *     ...
 * }
 * }</pre>
 */
public final class SandboxEmulator implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SandboxEmulator.class);

	/** The name prefix of temporary data directories. */
	private static final String TEMPORARY_PREFIX = "together-sandbox-emulator-";

	private final EmulatorServer server;

	private final String apiKey;

	private final boolean apiKeyGenerated;

	private final Path dataDirectory;

	private final boolean temporaryDataDirectory;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final EmulatorOptions.Isolation isolation;

	private final String bindAddress;

	private SandboxEmulator(EmulatorServer server, String bindAddress, String apiKey, boolean apiKeyGenerated,
			Path dataDirectory, boolean temporaryDataDirectory, EmulatorOptions.Isolation isolation) {
		this.server = server;
		this.isolation = isolation;
		this.bindAddress = bindAddress;
		this.apiKey = apiKey;
		this.apiKeyGenerated = apiKeyGenerated;
		this.dataDirectory = dataDirectory;
		this.temporaryDataDirectory = temporaryDataDirectory;
	}

	/**
	 * Starts an emulator with the default options: a random free port on 127.0.0.1, a random API
	 * key and a temporary data directory.
	 * @return the running emulator
	 */
	public static SandboxEmulator start() {
		return start(EmulatorOptions.defaults());
	}

	/**
	 * Starts an emulator.
	 * @param options the settings
	 * @return the running emulator
	 * @throws UncheckedIOException if the data directory cannot be prepared
	 */
	public static SandboxEmulator start(EmulatorOptions options) {
		String apiKey = options.apiKey();
		boolean generated = apiKey == null;
		if (apiKey == null) {
			apiKey = "emu_" + Ids.secret();
		}
		Path dataDirectory = options.dataDirectory();
		boolean temporary = dataDirectory == null;
		try {
			if (dataDirectory == null) {
				dataDirectory = Files.createTempDirectory(TEMPORARY_PREFIX);
			}
			Files.createDirectories(dataDirectory);
			dataDirectory = dataDirectory.toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot prepare the emulator data directory", ex);
		}
		// What a killed emulator left: its processes (without namespaces) and temporary directory.
		Leftovers.reapAndClaim(dataDirectory, Path.of(System.getProperty("java.io.tmpdir")), TEMPORARY_PREFIX);
		ProcessIsolation isolation = ProcessIsolation.select(ProcessIsolation.Mode.valueOf(options.isolation().name()),
				dataDirectory.resolve(Leftovers.PROCESSES));
		if (!isolation.namespaced() && options.isolation() == EmulatorOptions.Isolation.AUTO) {
			logger.warn("Sandbox execs of the Together Sandbox emulator run as processes of this machine, seeing its"
					+ " file system as / (namespaces unavailable: " + isolation.unavailableReason() + ")");
		}
		EmulatorServer server;
		try {
			server = new EmulatorServer(options.bindAddress(), options.port(), apiKey, dataDirectory,
					options.maxJsonBytes(), options.maxUploadBytes(), options.maxFileBytes(),
					new OutputBudget(options.maxExecOutputBytes(), options.maxTotalExecOutputBytes()),
					options.transitionDelay(), options.requestHeadTimeout(), options.idleTimeout(), isolation);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the emulator", ex);
		}
		try {
			server.preregisterSnapshotAliases(options.snapshotAliases());
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		SandboxEmulator emulator = new SandboxEmulator(server, options.bindAddress(), apiKey, generated, dataDirectory,
				temporary, isolation.namespaced() ? EmulatorOptions.Isolation.NAMESPACES : EmulatorOptions.Isolation.NONE);
		String exposure = emulator.networkWarning();
		if (exposure != null) {
			logger.warn(exposure);
		}
		else {
			logger.warn("Together Sandbox emulator at " + server.baseUrl()
					+ " is not an isolation boundary: sandbox processes run as the current user on this machine");
		}
		return emulator;
	}

	/**
	 * Returns the origin of the emulator without {@code /api/v1} or {@code /v1}, e.g.
	 * {@code http://127.0.0.1:40123}: the value for the client's base URL.
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Returns the port the emulator listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * Describes where the server listens: {@code host:port}, and for a wildcard bind the words
	 * "all interfaces".
	 * @return the listening address
	 */
	String listenDescription() {
		String host = this.bindAddress.contains(":") ? "[" + this.bindAddress + "]" : this.bindAddress;
		String address = host + ":" + port();
		return isWildcard(this.bindAddress) ? "all interfaces (" + address + ")" : address;
	}

	/**
	 * Returns the warning for a bind address that other machines can reach, or {@code null} for
	 * a loopback address.
	 * @return the warning
	 */
	@Nullable String networkWarning() {
		if (isLoopback(this.bindAddress)) {
			return null;
		}
		return "WARNING: the Together Sandbox emulator listens on " + listenDescription()
				+ " and is reachable from the network: its API runs commands and writes files as the current user ("
				+ System.getProperty("user.name") + ") on this machine, guarded only by the API key."
				+ " Bind to 127.0.0.1 unless other machines must reach it.";
	}

	static boolean isWildcard(String address) {
		try {
			return java.net.InetAddress.getByName(address).isAnyLocalAddress();
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

	private static boolean isLoopback(String address) {
		try {
			for (java.net.InetAddress resolved : java.net.InetAddress.getAllByName(address)) {
				if (!resolved.isLoopbackAddress()) {
					return false;
				}
			}
			return true;
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

	/**
	 * Returns how execs run: {@link EmulatorOptions.Isolation#NAMESPACES} (each sandbox in mount
	 * and PID namespaces of its own, its directory as {@code /}) or
	 * {@link EmulatorOptions.Isolation#NONE} (processes of this machine).
	 * @return the isolation in effect, never {@code AUTO}
	 */
	public EmulatorOptions.Isolation isolation() {
		return this.isolation;
	}

	/**
	 * Returns the management API key that clients must send as a bearer token.
	 * @return the API key
	 */
	public String apiKey() {
		return this.apiKey;
	}

	/**
	 * Returns whether the API key was generated because none was configured.
	 * @return whether the key is random
	 */
	public boolean apiKeyGenerated() {
		return this.apiKeyGenerated;
	}

	/**
	 * Returns the directory holding the sandboxes' files and the metadata.
	 * @return the data directory
	 */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * Stops the emulator: kills every process it started, stops the server, and deletes the data
	 * directory if it was a temporary one. Calling it again has no effect.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.server.close();
		if (this.temporaryDataDirectory) {
			deleteTree(this.dataDirectory);
		}
		else {
			Leftovers.release(this.dataDirectory);
		}
	}

	private static void deleteTree(@Nullable Path directory) {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try (var paths = Files.walk(directory)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					logger.debug("Could not delete " + path + ": " + ex.getMessage());
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			logger.debug("Could not delete the temporary directory " + directory + ": " + ex.getMessage());
		}
	}

}
