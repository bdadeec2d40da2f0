package ai.together.sandbox;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.retry.RetryConfig;

/**
 * The Together Sandbox client in the reactive style: every operation returns a {@code Mono} or
 * a {@code Flux} and sends nothing until subscribed to. This is the engine;
 * {@link TogetherSandbox} is its blocking view ({@link #blocking()}).
 * <pre>{@code
 * ReactiveTogetherSandbox sdk = ReactiveTogetherSandbox.create(); // TOGETHER_API_KEY
 * sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"))
 *     .flatMap(info -> sdk.sandboxes().start(info.id()))
 *     ...
 * }</pre>
 * Thread-safe; create one per application and {@link #close()} it on shutdown. Closing never
 * stops a sandbox.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveTogetherSandbox implements AutoCloseable {

	private final ClientContext context;

	/*
	 * Each namespace is made on first use: building a client (an application's startup) then
	 * links and initializes none of their classes, and a client of one generation none of the
	 * other's.
	 */
	private final Lazy<ReactiveSandboxes> sandboxes;

	private final Lazy<ReactiveSnapshots> snapshots;

	private final Lazy<ReactiveCurrentApi> current;

	private final AtomicBoolean closed = new AtomicBoolean();

	ReactiveTogetherSandbox(ClientContext context) {
		this.context = Objects.requireNonNull(context, "context");
		this.sandboxes = new Lazy<>() {

			@Override
			protected ReactiveSandboxes make() {
				return new ReactiveSandboxes(context);
			}

		};
		this.snapshots = new Lazy<>() {

			@Override
			protected ReactiveSnapshots make() {
				return new ReactiveSnapshots(context);
			}

		};
		this.current = new Lazy<>() {

			@Override
			protected ReactiveCurrentApi make() {
				return new ReactiveCurrentApi(context);
			}

		};
	}

	/**
	 * Creates a client from the environment: {@code TOGETHER_API_KEY} (required) and
	 * {@code TOGETHER_BASE_URL} (optional).
	 * @return the client
	 * @throws IllegalArgumentException when no API key is set
	 */
	public static ReactiveTogetherSandbox create() {
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
	public ReactiveSandboxes sandboxes() {
		return this.sandboxes.get();
	}

	/**
	 * Snapshots: create (from an image or a build context), alias, get, list, delete.
	 * @return the snapshots namespace
	 */
	public ReactiveSnapshots snapshots() {
		return this.snapshots.get();
	}

	/**
	 * The current API generation (management API under {@code /v1}): sandboxes created running
	 * and terminated, cursor pages, snapshots retired instead of deleted. {@link #sandboxes()} and
	 * {@link #snapshots()} are the seed's generation (under {@code /api/v1}); both share this
	 * client's connections and configuration.
	 * @return the current generation's namespaces
	 */
	public ReactiveCurrentApi current() {
		return this.current.get();
	}

	/**
	 * Returns the blocking view of this client; both share connections and configuration.
	 * @return the blocking client
	 */
	public TogetherSandbox blocking() {
		return new TogetherSandbox(this);
	}

	/**
	 * Returns the management API origin this client talks to (without {@code /api/v1}).
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.context.origin();
	}

	/**
	 * Returns the retry configuration of this client.
	 * @return the retry configuration
	 */
	public RetryConfig retryConfig() {
		return this.context.transport().retryEngine().config();
	}

	/**
	 * Returns the options of this client: what {@link #withOptions(Consumer)} starts from.
	 * @return the options
	 */
	public ClientOptions options() {
		HttpTransport transport = this.context.transport();
		return new ClientOptions(this.context.apiKey(), transport.retryEngine().config(), transport.responseTimeout(),
				this.context.lifecycleTimeout(), transport.headers());
	}

	/**
	 * Returns a client with changed options (retries, timeouts, extra headers, API key) that
	 * shares this client's connection pool and everything else (base URL, observations, retry
	 * listeners, stream idle timeout); this client is unchanged. No network I/O happens here.
	 * <pre>{@code
	 * ReactiveTogetherSandbox tenant = sdk.withOptions((options) -> options
	 *     .apiKey(tenantKey)
	 *     .header("X-Request-Source", "billing"));
	 * }</pre>
	 * Closing the derived client ends only the calls and streams in flight through it and makes
	 * its later calls fail; it never releases the shared pool, so this client keeps working.
	 * Closing this client makes the derived clients fail too. {@code sdk.blocking().withOptions(o)}
	 * and {@code sdk.withOptions(o).blocking()} give equivalent clients.
	 * @param options changes the options, which start as this client's {@link #options()}
	 * @return the derived client
	 * @throws IllegalArgumentException when an option is invalid
	 */
	public ReactiveTogetherSandbox withOptions(Consumer<ClientOptions.Builder> options) {
		Args.notNull(options, "options");
		ClientOptions.Builder builder = options().toBuilder();
		options.accept(builder);
		ClientOptions derived = builder.build();
		return new ReactiveTogetherSandbox(this.context.derive(derived.apiKey(), derived.retry(),
				derived.responseTimeout(), derived.lifecycleTimeout(), derived.headers()));
	}

	ClientContext context() {
		return this.context;
	}

	/**
	 * Ends every call and stream still in flight (each fails with a
	 * {@link TogetherSandboxException} saying the client was closed, and its connection is
	 * closed), makes later calls fail at once, and releases the client's connection pool (when it
	 * created its own). Sandboxes keep running.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.context.close();
		}
	}

	@Override
	public String toString() {
		return "ReactiveTogetherSandbox[baseUrl=" + this.context.origin() + "]";
	}

	/**
	 * Builder of {@link ReactiveTogetherSandbox}.
	 */
	public static final class Builder extends ClientBuilder<Builder> {

		Builder() {
		}

		/**
		 * Builds the client. No network I/O happens here.
		 * @return the client
		 * @throws IllegalArgumentException when no API key is available or the base URL is invalid
		 */
		public ReactiveTogetherSandbox build() {
			return new ReactiveTogetherSandbox(buildContext());
		}

	}

}
