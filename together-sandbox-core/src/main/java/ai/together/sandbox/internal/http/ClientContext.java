package ai.together.sandbox.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.retry.RetryConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * What every part of one client shares: credentials, the management base URL, the transport (and
 * so the connection pool and retry engine) and timeouts. {@link #toString()} hides the API key.
 */
public final class ClientContext implements AutoCloseable {

	/** The path prefix of the management API below the origin. */
	public static final String API_PREFIX = "/api/v1";

	private final String apiKey;

	private final String origin;

	private final Lazy<HttpTransport> transport;

	/** Guarded by {@link #transport}'s lock, which also guards making the transport. */
	private boolean closed;

	private final Duration lifecycleTimeout;

	private final String dockerExecutable;

	/**
	 * Creates the context.
	 * @param apiKey the API key
	 * @param origin the management origin without {@code /api/v1} and without a trailing slash
	 * @param transport the transport
	 * @param lifecycleTimeout the response timeout of the lifecycle {@code wait} call
	 */
	public ClientContext(String apiKey, String origin, HttpTransport transport, Duration lifecycleTimeout) {
		this(apiKey, origin, transport, lifecycleTimeout, "docker");
	}

	/**
	 * Creates the context.
	 * @param apiKey the API key
	 * @param origin the management origin without {@code /api/v1} and without a trailing slash
	 * @param transport the transport
	 * @param lifecycleTimeout the response timeout of the lifecycle {@code wait} call
	 * @param dockerExecutable the Docker CLI that local snapshot builds run
	 */
	public ClientContext(String apiKey, String origin, HttpTransport transport, Duration lifecycleTimeout,
			String dockerExecutable) {
		this(apiKey, origin, constant(Objects.requireNonNull(transport, "transport")), lifecycleTimeout,
				dockerExecutable);
		this.transport.get();
	}

	/**
	 * Creates the context with a transport made when it is first asked for (the first call of the
	 * client), so that building a client loads no transport class.
	 * @param apiKey the API key
	 * @param origin the management origin without {@code /api/v1} and without a trailing slash
	 * @param transport makes the transport, once; a context closed before then closes it at once
	 * @param lifecycleTimeout the response timeout of the lifecycle {@code wait} call
	 * @param dockerExecutable the Docker CLI that local snapshot builds run
	 */
	public ClientContext(String apiKey, String origin, Supplier<HttpTransport> transport, Duration lifecycleTimeout,
			String dockerExecutable) {
		this.dockerExecutable = Objects.requireNonNull(dockerExecutable, "dockerExecutable");
		this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
		this.origin = Objects.requireNonNull(origin, "origin");
		this.lifecycleTimeout = Objects.requireNonNull(lifecycleTimeout, "lifecycleTimeout");
		Objects.requireNonNull(transport, "transport");
		this.transport = new Lazy<>() {

			@Override
			protected HttpTransport make() {
				HttpTransport made = Objects.requireNonNull(transport.get(), "transport");
				made.redactor().pin(apiKey);
				if (ClientContext.this.closed) {
					// Asked for after the client was closed: its calls fail as those of a closed client.
					made.close();
				}
				return made;
			}

		};
	}

	private static Supplier<HttpTransport> constant(HttpTransport transport) {
		return () -> transport;
	}

	/**
	 * Returns the API key (a secret: never log it).
	 * @return the API key
	 */
	public String apiKey() {
		return this.apiKey;
	}

	/**
	 * Returns the management origin, for example {@code https://api.codesandbox.io}.
	 * @return the origin
	 */
	public String origin() {
		return this.origin;
	}

	/**
	 * Returns the transport, making it on the first call.
	 * @return the transport
	 */
	public HttpTransport transport() {
		return this.transport.get();
	}

	/**
	 * Returns the response timeout of the lifecycle {@code wait} call.
	 * @return the timeout
	 */
	public Duration lifecycleTimeout() {
		return this.lifecycleTimeout;
	}

	/**
	 * Returns the Docker CLI that local snapshot builds run.
	 * @return the executable name or path
	 */
	public String dockerExecutable() {
		return this.dockerExecutable;
	}

	/**
	 * A call to the management API.
	 * @param operation the operation name
	 * @param context the context string, or {@code null}
	 * @param method the method
	 * @param path the encoded path below {@code /api/v1}, starting with {@code /}, query included
	 * @return the call
	 */
	public ApiCall management(String operation, @Nullable String context, HttpMethod method, String path) {
		return ApiCall.of(operation, context, method, URI.create(this.origin + API_PREFIX + path), this.apiKey);
	}

	/**
	 * A call to a sandbox's agent API.
	 * @param agentUrl the agent base URL
	 * @param agentToken the agent token
	 * @param operation the operation name
	 * @param context the context string, or {@code null}
	 * @param method the method
	 * @param path the encoded path, starting with {@code /api/v1}, query included
	 * @return the call
	 */
	public static ApiCall agent(String agentUrl, String agentToken, String operation, @Nullable String context,
			HttpMethod method, String path) {
		return ApiCall.of(operation, context, method, URI.create(joinUrl(agentUrl, path)), agentToken);
	}

	/**
	 * Joins a base URL and a path with exactly one {@code /} between them.
	 * @param base the base URL
	 * @param path the path
	 * @return the joined URL
	 */
	public static String joinUrl(String base, String path) {
		boolean baseSlash = base.endsWith("/");
		boolean pathSlash = path.startsWith("/");
		if (baseSlash && pathSlash) {
			return base + path.substring(1);
		}
		return (baseSlash || pathSlash) ? base + path : base + "/" + path;
	}

	/**
	 * Returns a context for a client derived from this one: same origin, Docker CLI and
	 * connection pool, its own credential, retries, timeouts and extra headers. Closing it ends
	 * only what is in flight through it; closing this context closes it too.
	 * @param apiKey the API key of the derived client
	 * @param retry its retry configuration
	 * @param responseTimeout its response timeout of non-streaming calls
	 * @param lifecycleTimeout its response timeout of the lifecycle {@code wait} call
	 * @param headers the headers it adds to every request
	 * @return the derived context
	 */
	public ClientContext derive(String apiKey, RetryConfig retry, Duration responseTimeout, Duration lifecycleTimeout,
			Map<String, String> headers) {
		HttpTransport transport = transport();
		HttpTransport derived = transport.derive(transport.retryEngine().withConfig(retry), responseTimeout, headers);
		return new ClientContext(apiKey, this.origin, derived, lifecycleTimeout, this.dockerExecutable);
	}

	@Override
	public void close() {
		HttpTransport made;
		synchronized (this.transport) {
			// Under the lock that making the transport holds: one being made now is closed here,
			// one made later closes itself.
			this.closed = true;
			made = this.transport.getIfMade();
		}
		if (made != null) {
			made.close();
		}
	}

	@Override
	public String toString() {
		return "ClientContext[origin=" + this.origin + "]";
	}

}
