package ai.together.sandbox.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link SandboxEmulator}. Build with {@link #builder()}; every setting has a
 * default suited to tests: a random free port on the loopback address, a random API key and a
 * temporary data directory.
 */
public final class EmulatorOptions {

	/** The default bind address: loopback only. */
	public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

	/** The default largest file upload or build context: 256 MiB. */
	public static final long DEFAULT_MAX_UPLOAD_BYTES = 256L * 1024 * 1024;

	/** The default largest file that the files API reads or writes: 1 GiB. */
	public static final long DEFAULT_MAX_FILE_BYTES = 1024L * 1024 * 1024;

	/** The default most output kept per exec: 4 MiB. */
	public static final long DEFAULT_MAX_EXEC_OUTPUT_BYTES = 4L * 1024 * 1024;

	/** The default most output kept over all execs of all sandboxes: 256 MiB. */
	public static final long DEFAULT_MAX_TOTAL_EXEC_OUTPUT_BYTES = 256L * 1024 * 1024;

	/** The default largest JSON request body: 1 MiB. */
	public static final long DEFAULT_MAX_JSON_BYTES = 1024L * 1024;

	/** The default time a client has to send a whole request head once its first byte arrived: 10 s. */
	public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

	/** The default time a connection may stay open with no request in flight: 60 s. */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern SNAPSHOT_ALIAS = Pattern.compile("[^\\s\\p{Cntrl}@/]+@[^\\s\\p{Cntrl}@/]+");

	private final int port;

	private final String bindAddress;

	private final @Nullable String apiKey;

	private final @Nullable Path dataDirectory;

	private final long maxUploadBytes;

	private final long maxJsonBytes;

	private final long maxFileBytes;

	private final long maxExecOutputBytes;

	private final long maxTotalExecOutputBytes;

	private final Duration transitionDelay;

	private final Duration requestHeadTimeout;

	private final Duration idleTimeout;

	private final List<String> snapshotAliases;

	private final Isolation isolation;

	/** How sandbox execs run. */
	public enum Isolation {

		/**
		 * {@link #NAMESPACES} when this machine has them (Linux with bubblewrap, {@code bwrap},
		 * and {@code nsenter} working), else {@link #NONE} with a WARN at startup.
		 */
		AUTO,

		/**
		 * Each running sandbox in mount and PID namespaces of its own: its execs see the
		 * sandbox's directory as {@code /} (the host's {@code /usr} and {@code /etc} read-only,
		 * their own {@code /proc} and {@code /dev}), and stopping, hibernating or deleting the
		 * sandbox ends every one of its processes. Starting fails where that is not available.
		 */
		NAMESPACES,

		/**
		 * Processes of this machine, with their working directory inside the sandbox's
		 * directory; absolute paths are the host's.
		 */
		NONE

	}

	private EmulatorOptions(Builder builder) {
		this.port = builder.port;
		this.bindAddress = builder.bindAddress;
		this.apiKey = builder.apiKey;
		this.dataDirectory = builder.dataDirectory;
		this.maxUploadBytes = builder.maxUploadBytes;
		this.maxJsonBytes = builder.maxJsonBytes;
		this.maxFileBytes = builder.maxFileBytes;
		this.maxExecOutputBytes = builder.maxExecOutputBytes;
		this.maxTotalExecOutputBytes = builder.maxTotalExecOutputBytes;
		this.transitionDelay = builder.transitionDelay;
		this.requestHeadTimeout = builder.requestHeadTimeout;
		this.idleTimeout = builder.idleTimeout;
		this.snapshotAliases = List.copyOf(builder.snapshotAliases);
		this.isolation = builder.isolation;
	}

	/**
	 * Returns a builder with the default settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the default settings.
	 * @return the defaults
	 */
	public static EmulatorOptions defaults() {
		return builder().build();
	}

	/**
	 * Returns the port to listen on; 0 picks a free port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the address to listen on.
	 * @return the bind address
	 */
	public String bindAddress() {
		return this.bindAddress;
	}

	/**
	 * Returns the management API key, or {@code null} to generate a random one.
	 * @return the API key
	 */
	public @Nullable String apiKey() {
		return this.apiKey;
	}

	/**
	 * Returns the directory that keeps sandboxes and metadata across restarts, or {@code null} for
	 * a temporary directory deleted on close.
	 * @return the data directory
	 */
	public @Nullable Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * Returns the largest accepted file upload or build context, in bytes.
	 * @return the limit
	 */
	public long maxUploadBytes() {
		return this.maxUploadBytes;
	}

	/**
	 * Returns the largest accepted JSON request body, in bytes.
	 * @return the limit
	 */
	public long maxJsonBytes() {
		return this.maxJsonBytes;
	}

	/**
	 * Returns the largest file, in bytes, that the files API reads or writes: reading a larger
	 * file, or uploading one, answers 413. Files are streamed, so the limit is not one of memory.
	 * @return the limit
	 */
	public long maxFileBytes() {
		return this.maxFileBytes;
	}

	/**
	 * Returns the most output, in bytes, kept per exec: beyond it its oldest output messages are
	 * dropped. Bytes are those of the output as UTF-8 plus 128 per message.
	 * @return the limit
	 */
	public long maxExecOutputBytes() {
		return this.maxExecOutputBytes;
	}

	/**
	 * Returns the most output, in bytes, kept over all execs of all sandboxes: beyond it the oldest
	 * output messages of the execs that keep the most are dropped.
	 * @return the limit
	 */
	public long maxTotalExecOutputBytes() {
		return this.maxTotalExecOutputBytes;
	}

	/**
	 * Returns how long the {@code starting} and {@code stopping} statuses last.
	 * @return the transition delay
	 */
	public Duration transitionDelay() {
		return this.transitionDelay;
	}

	/**
	 * Returns how long a client has, from the first byte of a request, to send the whole request
	 * line and headers before the connection is closed. Bodies, uploads and event streams are not
	 * limited by it.
	 * @return the request head timeout
	 */
	public Duration requestHeadTimeout() {
		return this.requestHeadTimeout;
	}

	/**
	 * Returns how long a connection may stay open with no request in flight (a new connection
	 * before its first byte, a keep-alive connection between requests) before it is closed. A
	 * request in progress, such as a long upload or an event stream, is never cut by it.
	 * @return the idle timeout
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Returns the snapshot aliases ({@code namespace@alias}) registered at startup, each naming a
	 * snapshot of its own; an alias that already exists (a data directory from an earlier run) is
	 * kept as it is.
	 * @return the aliases, never {@code null}
	 */
	public List<String> snapshotAliases() {
		return this.snapshotAliases;
	}

	/**
	 * Returns how sandbox execs run.
	 * @return the isolation asked for
	 */
	public Isolation isolation() {
		return this.isolation;
	}

	/**
	 * Whether a string is a valid snapshot alias to register at startup: not blank (as the
	 * management API requires) and of the form {@code namespace@alias}, both parts non-empty and
	 * free of whitespace, control characters, {@code @} and {@code /}.
	 * @param alias the alias
	 * @return whether it is valid
	 */
	public static boolean isValidSnapshotAlias(@Nullable String alias) {
		return alias != null && !alias.isBlank() && SNAPSHOT_ALIAS.matcher(alias).matches();
	}

	/**
	 * Builds {@link EmulatorOptions}.
	 */
	public static final class Builder {

		private int port;

		private String bindAddress = DEFAULT_BIND_ADDRESS;

		private @Nullable String apiKey;

		private @Nullable Path dataDirectory;

		private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;

		private long maxJsonBytes = DEFAULT_MAX_JSON_BYTES;

		private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;

		private long maxExecOutputBytes = DEFAULT_MAX_EXEC_OUTPUT_BYTES;

		private long maxTotalExecOutputBytes = DEFAULT_MAX_TOTAL_EXEC_OUTPUT_BYTES;

		private Duration transitionDelay = Duration.ofMillis(5);

		private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private List<String> snapshotAliases = List.of();

		private Isolation isolation = Isolation.AUTO;

		private Builder() {
		}

		/**
		 * Sets the port; 0 (the default) picks a free port.
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535");
			}
			this.port = port;
			return this;
		}

		/**
		 * Sets the address to listen on (default {@value EmulatorOptions#DEFAULT_BIND_ADDRESS}).
		 * Anything but a loopback address exposes the machine's processes to the network.
		 * @param bindAddress the address; {@code null} restores the default
		 * @return this builder
		 */
		public Builder bindAddress(@Nullable String bindAddress) {
			this.bindAddress = bindAddress == null || bindAddress.isBlank() ? DEFAULT_BIND_ADDRESS : bindAddress;
			return this;
		}

		/**
		 * Sets the management API key; {@code null} (the default) generates a random key.
		 * @param apiKey the key
		 * @return this builder
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
			return this;
		}

		/**
		 * Sets the data directory; {@code null} (the default) uses a temporary directory that
		 * is deleted on close.
		 * @param dataDirectory the directory
		 * @return this builder
		 */
		public Builder dataDirectory(@Nullable Path dataDirectory) {
			this.dataDirectory = dataDirectory;
			return this;
		}

		/**
		 * Sets the largest accepted file upload or build context.
		 * @param maxUploadBytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxUploadBytes(long maxUploadBytes) {
			if (maxUploadBytes < 1) {
				throw new IllegalArgumentException("maxUploadBytes must be positive");
			}
			this.maxUploadBytes = maxUploadBytes;
			return this;
		}

		/**
		 * Sets the largest accepted JSON request body.
		 * @param maxJsonBytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxJsonBytes(long maxJsonBytes) {
			if (maxJsonBytes < 1) {
				throw new IllegalArgumentException("maxJsonBytes must be positive");
			}
			this.maxJsonBytes = maxJsonBytes;
			return this;
		}

		/**
		 * Sets the largest file that the files API reads or writes (default 1 GiB).
		 * @param maxFileBytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxFileBytes(long maxFileBytes) {
			this.maxFileBytes = positive(maxFileBytes, "maxFileBytes");
			return this;
		}

		/**
		 * Sets the most output kept per exec (default 4 MiB).
		 * @param maxExecOutputBytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxExecOutputBytes(long maxExecOutputBytes) {
			this.maxExecOutputBytes = positive(maxExecOutputBytes, "maxExecOutputBytes");
			return this;
		}

		/**
		 * Sets the most output kept over all execs of all sandboxes (default 256 MiB).
		 * @param maxTotalExecOutputBytes the limit in bytes
		 * @return this builder
		 */
		public Builder maxTotalExecOutputBytes(long maxTotalExecOutputBytes) {
			this.maxTotalExecOutputBytes = positive(maxTotalExecOutputBytes, "maxTotalExecOutputBytes");
			return this;
		}

		private static long positive(long value, String name) {
			if (value < 1) {
				throw new IllegalArgumentException(name + " must be positive");
			}
			return value;
		}

		/**
		 * Sets how long the {@code starting} and {@code stopping} statuses last (default 5 ms).
		 * @param transitionDelay the delay
		 * @return this builder
		 */
		public Builder transitionDelay(Duration transitionDelay) {
			this.transitionDelay = Objects.requireNonNull(transitionDelay, "transitionDelay");
			return this;
		}

		/**
		 * Sets how long a client has to send a whole request head once its first byte arrived
		 * (default 10 s).
		 * @param requestHeadTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder requestHeadTimeout(Duration requestHeadTimeout) {
			this.requestHeadTimeout = positive(requestHeadTimeout, "requestHeadTimeout");
			return this;
		}

		/**
		 * Sets how long a connection may stay open with no request in flight (default 60 s).
		 * @param idleTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = positive(idleTimeout, "idleTimeout");
			return this;
		}

		/**
		 * Sets the snapshot aliases to register at startup (default none): each
		 * {@code namespace@alias} gets a snapshot of its own (as one created from an image) and
		 * the alias pointing at it, so that sandboxes can be created
		 * {@code fromSnapshotAlias} straight away. An alias that already exists in the data
		 * directory is kept. Duplicates count once.
		 * @param snapshotAliases the aliases; {@code null} means none
		 * @return this builder
		 * @throws IllegalArgumentException if an alias is not of the form {@code namespace@alias}
		 */
		public Builder snapshotAliases(@Nullable List<String> snapshotAliases) {
			List<String> aliases = new ArrayList<>();
			if (snapshotAliases != null) {
				for (String alias : snapshotAliases) {
					if (!isValidSnapshotAlias(alias)) {
						throw new IllegalArgumentException("snapshot alias '" + alias
								+ "' is not of the form namespace@alias (no whitespace, '/' or second '@')");
					}
					if (!aliases.contains(alias)) {
						aliases.add(alias);
					}
				}
			}
			this.snapshotAliases = List.copyOf(aliases);
			return this;
		}

		/**
		 * Sets how sandbox execs run (default {@link Isolation#AUTO}).
		 * @param isolation the isolation
		 * @return this builder
		 */
		public Builder isolation(Isolation isolation) {
			this.isolation = Objects.requireNonNull(isolation, "isolation");
			return this;
		}

		private static Duration positive(Duration value, String name) {
			Objects.requireNonNull(value, name);
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive");
			}
			return value;
		}

		/**
		 * Builds the options.
		 * @return the options
		 */
		public EmulatorOptions build() {
			return new EmulatorOptions(this);
		}

	}

}
