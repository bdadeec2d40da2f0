package ai.together.sandbox;

import java.util.Objects;
import java.util.function.Consumer;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.retry.RetryConfig;

/**
 * The Together Sandbox client in the blocking style, for applications that do not use Reactor:
 * the blocking view of a {@link ReactiveTogetherSandbox}, with the same operations returning
 * plain values.
 * <pre>{@code
 * try (TogetherSandbox sdk = TogetherSandbox.create()) { // TOGETHER_API_KEY
 *     SandboxInfo info = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"));
 *     try (Sandbox sandbox = sdk.sandboxes().start(info.id())) {
 *         ...
 *         sandbox.shutdown();
 *     }
 * }
 * }</pre>
 * Thread-safe; create one per application and {@link #close()} it on shutdown. Closing never
 * stops a sandbox. Do not call blocking methods on a Reactor event-loop thread; use
 * {@link #reactive()} there.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class TogetherSandbox implements AutoCloseable {

	private final ReactiveTogetherSandbox reactive;

	/* Each namespace is made on first use, as the reactive client's. */
	private final Lazy<Sandboxes> sandboxes;

	private final Lazy<Snapshots> snapshots;

	private final Lazy<CurrentApi> current;

	TogetherSandbox(ReactiveTogetherSandbox reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
		this.sandboxes = new Lazy<>() {

			@Override
			protected Sandboxes make() {
				return new Sandboxes(reactive.sandboxes());
			}

		};
		this.snapshots = new Lazy<>() {

			@Override
			protected Snapshots make() {
				return new Snapshots(reactive.snapshots());
			}

		};
		this.current = new Lazy<>() {

			@Override
			protected CurrentApi make() {
				return reactive.current().blocking();
			}

		};
	}

	/**
	 * Creates a client from the environment: {@code TOGETHER_API_KEY} (required) and
	 * {@code TOGETHER_BASE_URL} (optional).
	 * @return the client
	 * @throws IllegalArgumentException when no API key is set
	 */
	public static TogetherSandbox create() {
		return builder().build();
	}

	/**
	 * Starts a builder.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Sandbox lifecycle: create, start, hibernate, shutdown, get, list, delete.
	 * @return the sandboxes namespace
	 */
	public Sandboxes sandboxes() {
		return this.sandboxes.get();
	}

	/**
	 * Snapshots: create (from an image or a build context), alias, get, list, delete.
	 * @return the snapshots namespace
	 */
	public Snapshots snapshots() {
		return this.snapshots.get();
	}

	/**
	 * The current API generation (management API under {@code /v1}): sandboxes created running
	 * and terminated, cursor pages, snapshots retired instead of deleted. {@link #sandboxes()} and
	 * {@link #snapshots()} are the seed's generation (under {@code /api/v1}); both share this
	 * client's connections and configuration.
	 * @return the current generation's namespaces
	 */
	public CurrentApi current() {
		return this.current.get();
	}

	/**
	 * Returns the reactive client this view blocks on; both share connections and configuration.
	 * @return the reactive client
	 */
	public ReactiveTogetherSandbox reactive() {
		return this.reactive;
	}

	/**
	 * Returns the management API origin this client talks to (without {@code /api/v1}).
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.reactive.baseUrl();
	}

	/**
	 * Returns the retry configuration of this client.
	 * @return the retry configuration
	 */
	public RetryConfig retryConfig() {
		return this.reactive.retryConfig();
	}

	/**
	 * Returns the options of this client: what {@link #withOptions(Consumer)} starts from.
	 * @return the options
	 */
	public ClientOptions options() {
		return this.reactive.options();
	}

	/**
	 * Returns a client with changed options (retries, timeouts, extra headers, API key) that
	 * shares this client's connection pool; this client is unchanged. See
	 * {@link ReactiveTogetherSandbox#withOptions(Consumer)}: closing the derived client leaves
	 * this one working, closing this one makes the derived clients fail.
	 * {@code sdk.withOptions(o).reactive()} and {@code sdk.reactive().withOptions(o)} give equivalent
	 * clients.
	 * @param options changes the options, which start as this client's {@link #options()}
	 * @return the derived client
	 * @throws IllegalArgumentException when an option is invalid
	 */
	public TogetherSandbox withOptions(Consumer<ClientOptions.Builder> options) {
		return this.reactive.withOptions(options).blocking();
	}

	/**
	 * Ends every call and stream still in flight (each fails with a
	 * {@link TogetherSandboxException} saying the client was closed, and its connection is
	 * closed), makes later calls fail at once, and releases the client's connection pool (when it
	 * created its own). Sandboxes keep running.
	 */
	@Override
	public void close() {
		this.reactive.close();
	}

	@Override
	public String toString() {
		return "TogetherSandbox[baseUrl=" + baseUrl() + "]";
	}

	/**
	 * Builder of {@link TogetherSandbox}.
	 */
	public static final class Builder extends ClientBuilder<Builder> {

		Builder() {
		}

		/**
		 * Builds the client. No network I/O happens here.
		 * @return the client
		 * @throws IllegalArgumentException when no API key is available or the base URL is invalid
		 */
		public TogetherSandbox build() {
			return new ReactiveTogetherSandbox(buildContext()).blocking();
		}

		/**
		 * Builds the reactive client with the same settings.
		 * @return the reactive client
		 */
		public ReactiveTogetherSandbox buildReactive() {
			return new ReactiveTogetherSandbox(buildContext());
		}

	}

}
