package ai.together.sandbox;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.internal.http.TotalConnectionCap;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryListener;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Settings shared by {@link TogetherSandbox.Builder} and {@link ReactiveTogetherSandbox.Builder}.
 * Building performs no network I/O.
 *
 * @param <B> the concrete builder type
 * @author together-sandbox-java
 * @since 0.1.0
 */
public abstract class ClientBuilder<B extends ClientBuilder<B>> {

	/** The environment variable holding the API key. */
	public static final String API_KEY_ENV = "TOGETHER_API_KEY";

	/** The environment variable holding the management base URL (origin, without /api/v1). */
	public static final String BASE_URL_ENV = "TOGETHER_BASE_URL";

	/** The base URL used when none is configured. */
	public static final String DEFAULT_BASE_URL = "https://api.codesandbox.io";

	/** Default response timeout of non-streaming calls. */
	public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

	/** Default response timeout of the lifecycle {@code wait} call, which long-polls. */
	public static final Duration DEFAULT_LIFECYCLE_TIMEOUT = Duration.ofMinutes(5);

	/** Default connect timeout of the client's own connection pool. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/** Default idle timeout of the streams of sandbox agents. */
	public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

	/** Default maximum number of connections per host of the client's own connection pool. */
	public static final int DEFAULT_MAX_CONNECTIONS = 500;

	/**
	 * Default maximum number of open connections, all hosts together, of the client's own pool,
	 * when {@link #maxConnections(int) maxConnections} is not above it.
	 */
	public static final int DEFAULT_MAX_CONNECTIONS_TOTAL = 800;

	private @Nullable String apiKey;

	private @Nullable String baseUrl;

	private RetryConfig retry = RetryConfig.defaults();

	private WebClient.@Nullable Builder webClientBuilder;

	private @Nullable Supplier<WebClient.@Nullable Builder> lazyWebClientBuilder;

	private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

	private Duration lifecycleTimeout = DEFAULT_LIFECYCLE_TIMEOUT;

	private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

	private String dockerExecutable = "docker";

	private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;

	private int maxConnections = DEFAULT_MAX_CONNECTIONS;

	private @Nullable Integer maxConnectionsTotal;

	private final List<RetryListener> retryListeners = new ArrayList<>();

	// Null for none: ObservationRegistry.NOOP is taken when the transport is made, so that building
	// a client initialises no Micrometer class.
	private @Nullable ObservationRegistry observationRegistry;

	private @Nullable TogetherSandboxClientObservationConvention observationConvention;

	// Null for the process environment: a method reference here would spin a class at the first
	// build of every JVM, a startup cost of the Spring Boot starter.
	private @Nullable UnaryOperator<@Nullable String> environment;

	private RetryEngine.@Nullable Sleeper retrySleeper;

	private @Nullable DoubleSupplier retryRandom;

	ClientBuilder() {
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

	/**
	 * API key; when {@code null} or blank, {@code TOGETHER_API_KEY} is read at {@code build()}.
	 * @param apiKey the API key
	 * @return this builder
	 */
	public B apiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
		return self();
	}

	/**
	 * Management API origin, for example {@code https://api.codesandbox.io} ({@code /api/v1} is
	 * appended; a trailing slash, and a trailing {@code /api/v1} or {@code /api/v1/}, are
	 * removed first, here and in {@code TOGETHER_BASE_URL}); when {@code null} or blank,
	 * {@code TOGETHER_BASE_URL} or the default is used.
	 * @param baseUrl the base URL
	 * @return this builder
	 */
	public B baseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
		return self();
	}

	/**
	 * Retry configuration for every non-streaming call (default: {@link RetryConfig#defaults()}).
	 * @param retry the configuration
	 * @return this builder
	 */
	public B retry(RetryConfig retry) {
		this.retry = Args.notNull(retry, "retry");
		return self();
	}

	/**
	 * A {@code WebClient.Builder} to start from (for example Spring Boot's, with its codecs, SSL
	 * bundles and metrics). It is cloned, never modified. Its connector, if any, is used as is:
	 * the {@link #connectTimeout(Duration) connect timeout} then does not apply, and closing the
	 * client does not release that connector's pool, which belongs to the application.
	 * @param webClientBuilder the builder
	 * @return this builder
	 */
	public B webClientBuilder(WebClient.Builder webClientBuilder) {
		this.webClientBuilder = Args.notNull(webClientBuilder, "webClientBuilder");
		this.lazyWebClientBuilder = null;
		return self();
	}

	/**
	 * Like {@link #webClientBuilder(WebClient.Builder)}, with the builder obtained only when the
	 * client makes its first call (for example from a Spring {@code ObjectProvider}, so that an
	 * application's startup creates no HTTP client). The supplier is called once; when it returns
	 * {@code null}, the client uses its own connection pool, as without a builder.
	 * @param webClientBuilder supplies the builder, or {@code null}
	 * @return this builder
	 */
	public B lazyWebClientBuilder(Supplier<WebClient.@Nullable Builder> webClientBuilder) {
		this.lazyWebClientBuilder = Args.notNull(webClientBuilder, "webClientBuilder");
		this.webClientBuilder = null;
		return self();
	}

	/**
	 * Response timeout of every non-streaming call, per attempt (default 60 s). Streams have none
	 * (see {@link #streamIdleTimeout(Duration)}).
	 * @param responseTimeout the timeout
	 * @return this builder
	 */
	public B responseTimeout(Duration responseTimeout) {
		this.responseTimeout = Args.positive(responseTimeout, "responseTimeout");
		return self();
	}

	/**
	 * Response timeout of the {@code wait} call that start, hibernate and shutdown make, per
	 * attempt (default 5 min): that call returns only once the sandbox has settled.
	 * @param lifecycleTimeout the timeout
	 * @return this builder
	 */
	public B lifecycleTimeout(Duration lifecycleTimeout) {
		this.lifecycleTimeout = Args.positive(lifecycleTimeout, "lifecycleTimeout");
		return self();
	}

	/**
	 * Connect timeout of the client's own connection pool (default 10 s). It also bounds how long
	 * a call waits for a free connection when all {@link #maxConnections(int) maxConnections} to
	 * its host are busy; it then fails with an {@code HttpException} with status 0 naming
	 * {@code PoolAcquireTimeoutException}.
	 * @param connectTimeout the timeout
	 * @return this builder
	 */
	public B connectTimeout(Duration connectTimeout) {
		this.connectTimeout = Args.positive(connectTimeout, "connectTimeout");
		return self();
	}

	/**
	 * Maximum number of connections to one host in the client's own connection pool (default
	 * 500). Every open stream holds one connection for as long as it runs, and all sandboxes of a
	 * local emulator share one host: raise it to hold more streams at once. Does not apply when a
	 * {@link #webClientBuilder(WebClient.Builder) WebClient.Builder} with a connector is given.
	 * @param maxConnections the maximum, at least 1
	 * @return this builder
	 */
	public B maxConnections(int maxConnections) {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
		}
		this.maxConnections = maxConnections;
		return self();
	}

	/**
	 * Maximum number of open connections of the client's own connection pool, all hosts
	 * together (default: the larger of 800 and {@link #maxConnections(int) maxConnections}, so
	 * that one host can still use all of its connections while many sandboxes, each agent its own
	 * host, do not hold a socket each). A call
	 * that needs a new connection when all are open closes an idle connection of any host first;
	 * when none is idle it waits, first come first served, at most {@link #connectTimeout(Duration)
	 * connectTimeout} and then fails with an {@code HttpException} with status 0 whose cause is a
	 * {@code TimeoutException}. Does not apply when a {@link #webClientBuilder(WebClient.Builder)
	 * WebClient.Builder} with a connector is given.
	 * @param maxConnectionsTotal the maximum, at least 1
	 * @return this builder
	 */
	public B maxConnectionsTotal(int maxConnectionsTotal) {
		if (maxConnectionsTotal < 1) {
			throw new IllegalArgumentException("maxConnectionsTotal must be at least 1, was " + maxConnectionsTotal);
		}
		this.maxConnectionsTotal = maxConnectionsTotal;
		return self();
	}

	/**
	 * Idle timeout of the streams of sandbox agents (exec output, exec and port lists, file
	 * watchers; default 5 min): a stream that receives no byte at all for this long is closed, as
	 * its connection is presumably dead. Keep-alive comments count as bytes, so a quiet stream of a
	 * server that sends them (the emulator does every 15 s) stays open however long it lasts. An
	 * exec output stream that goes idle reconnects and resumes after the last message it
	 * delivered, so a command that prints nothing for a long time is not given up on; the other
	 * streams fail with an {@code HttpException} with status 0 whose cause is a
	 * {@code TimeoutException}.
	 * @param streamIdleTimeout the timeout
	 * @return this builder
	 */
	public B streamIdleTimeout(Duration streamIdleTimeout) {
		this.streamIdleTimeout = Args.positive(streamIdleTimeout, "streamIdleTimeout");
		return self();
	}

	/**
	 * Docker CLI that local snapshot builds ({@code TOGETHER_LOCAL_BUILD=1}) run: a command name
	 * looked up on the {@code PATH}, or a path (default {@code docker}). Remote builds need no
	 * Docker.
	 * @param dockerExecutable the executable
	 * @return this builder
	 */
	public B dockerExecutable(String dockerExecutable) {
		this.dockerExecutable = Args.text(dockerExecutable, "dockerExecutable", Args.MAX_PATH_LENGTH);
		return self();
	}

	/**
	 * Adds an observer of retries (metrics, logs). Observers never change a decision.
	 * @param listener the observer
	 * @return this builder
	 */
	public B retryListener(RetryListener listener) {
		this.retryListeners.add(Args.notNull(listener, "listener"));
		return self();
	}

	/**
	 * Where each call is observed as one {@code together.sandbox.client.requests} observation
	 * (all attempts of the call and the waits between them; streams are not observed). Default:
	 * {@link ObservationRegistry#NOOP}, no observations.
	 * @param observationRegistry the registry
	 * @return this builder
	 */
	public B observationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = Args.notNull(observationRegistry, "observationRegistry");
		return self();
	}

	/**
	 * A convention that replaces the default name and tags of the
	 * {@code together.sandbox.client.requests} observation.
	 * @param observationConvention the convention, or {@code null} for the default one
	 * @return this builder
	 */
	public B observationConvention(@Nullable TogetherSandboxClientObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
		return self();
	}

	B environment(UnaryOperator<@Nullable String> environment) {
		this.environment = environment;
		return self();
	}

	B retryTiming(RetryEngine.Sleeper sleeper, DoubleSupplier random) {
		this.retrySleeper = sleeper;
		this.retryRandom = random;
		return self();
	}

	/**
	 * Resolves the settings and creates the shared client context.
	 * @return the context
	 */
	ClientContext buildContext() {
		String key = resolveApiKey();
		String origin = resolveBaseUrl();
		// The settings as they are now: the builder may change or build again afterwards.
		RetryConfig retry = this.retry;
		RetryEngine.@Nullable Sleeper sleeper = this.retrySleeper;
		@Nullable DoubleSupplier random = this.retryRandom;
		List<RetryListener> listeners = List.copyOf(this.retryListeners);
		// Cloned now (later changes to the application's builder do not apply), built on first use.
		WebClient.@Nullable Builder webClientBuilder = (this.webClientBuilder != null) ? this.webClientBuilder.clone()
				: null;
		@Nullable Supplier<WebClient.@Nullable Builder> lazyWebClientBuilder = this.lazyWebClientBuilder;
		int maxConnections = this.maxConnections;
		int maxConnectionsTotal = maxConnectionsTotal();
		Duration connectTimeout = this.connectTimeout;
		Duration responseTimeout = this.responseTimeout;
		@Nullable ObservationRegistry registry = this.observationRegistry;
		@Nullable TogetherSandboxClientObservationConvention convention = this.observationConvention;
		Duration streamIdleTimeout = this.streamIdleTimeout;
		// The transport, its retry engine and its pool are made on the client's first call: an
		// anonymous class rather than a lambda, so that building a client (an application's
		// startup) loads none of their classes.
		Supplier<HttpTransport> transport = new Supplier<>() {

			@Override
			public HttpTransport get() {
				RetryEngine engine = (sleeper != null && random != null)
						? new RetryEngine(retry, sleeper, random, listeners)
						: new RetryEngine(retry).withListeners(listeners);
				ObservationRegistry observations = (registry != null) ? registry : ObservationRegistry.NOOP;
				if (webClientBuilder != null) {
					return new HttpTransport(webClientBuilder::build, false, engine, responseTimeout, null,
							observations, convention, streamIdleTimeout);
				}
				OwnPool pool = new OwnPool(maxConnections, maxConnectionsTotal, connectTimeout);
				if (lazyWebClientBuilder != null) {
					Supplier<WebClient> webClient = () -> {
						WebClient.Builder builder = lazyWebClientBuilder.get();
						return (builder != null) ? builder.clone().build() : pool.webClient();
					};
					return new HttpTransport(webClient, false, engine, responseTimeout, pool, observations,
							convention, streamIdleTimeout);
				}
				// The Netty client and the WebClient are made on the first request.
				return new HttpTransport(pool::httpClient, pool::webClient, engine, responseTimeout, pool,
						observations, convention, streamIdleTimeout);
			}

		};
		return new ClientContext(key, origin, transport, this.lifecycleTimeout, this.dockerExecutable);
	}

	private int maxConnectionsTotal() {
		// Unset: a raised per-host maximum (one emulator host holding many streams) stays usable.
		return (this.maxConnectionsTotal != null) ? this.maxConnectionsTotal
				: Math.max(DEFAULT_MAX_CONNECTIONS_TOTAL, this.maxConnections);
	}

	private @Nullable String environmentVariable(String name) {
		return (this.environment != null) ? this.environment.apply(name) : System.getenv(name);
	}

	private String resolveApiKey() {
		String key = (this.apiKey != null && !this.apiKey.isBlank()) ? this.apiKey : environmentVariable(API_KEY_ENV);
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException(
					"apiKey must be provided or the " + API_KEY_ENV + " environment variable must be set");
		}
		return Args.credential(key, "apiKey");
	}

	private String resolveBaseUrl() {
		String url = this.baseUrl;
		String source = "baseUrl";
		if (url == null || url.isBlank()) {
			url = environmentVariable(BASE_URL_ENV);
			source = BASE_URL_ENV;
		}
		if (url == null || url.isBlank()) {
			return DEFAULT_BASE_URL;
		}
		String origin = stripTrailingSlashes(url.trim());
		if (origin.endsWith(ClientContext.API_PREFIX)) {
			// The API's own URL, copied from its docs: "/api/v1" is appended to every path, and
			// "…/api/v1/api/v1/…" would only answer 404s.
			origin = stripTrailingSlashes(origin.substring(0, origin.length() - ClientContext.API_PREFIX.length()));
		}
		try {
			URI uri = new URI(origin);
			String scheme = uri.getScheme();
			if (uri.getHost() == null || scheme == null
					|| !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
				throw new IllegalArgumentException(
						source + " must be an absolute http or https URL, was " + shown(url));
			}
			if (uri.getQuery() != null || uri.getFragment() != null) {
				throw new IllegalArgumentException(source + " must not have a query or fragment, was " + shown(url));
			}
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalArgumentException(source + " is not a valid URL: " + shown(url), ex);
		}
		return origin;
	}

	private static String stripTrailingSlashes(String url) {
		String origin = url;
		while (origin.endsWith("/")) {
			// The Python SDK would produce "…//api/v1"; one clean URL is what the user meant.
			origin = origin.substring(0, origin.length() - 1);
		}
		return origin;
	}

	private static String shown(String url) {
		// An exception message (and so a log line) must not carry a megabyte of bad input.
		return (url.length() > 200) ? url.substring(0, 200) + "… (" + url.length() + " characters)" : url;
	}

	/**
	 * The client's own connection pool and the {@code WebClient} over it, created on first use;
	 * closing releases the pool when it was created.
	 */
	private static final class OwnPool implements AutoCloseable {

		private final int maxConnections;

		private final int maxConnectionsTotal;

		private final Duration connectTimeout;

		private @Nullable ConnectionProvider pool;

		private @Nullable HttpClient http;

		private boolean closed;

		OwnPool(int maxConnections, int maxConnectionsTotal, Duration connectTimeout) {
			this.maxConnections = maxConnections;
			this.maxConnectionsTotal = maxConnectionsTotal;
			this.connectTimeout = connectTimeout;
		}

		/** The Netty client over the pool, made on first use; every call of the client shares it. */
		synchronized HttpClient httpClient() {
			if (this.closed) {
				throw new IllegalStateException("The client is closed");
			}
			HttpClient http = this.http;
			if (http != null) {
				return http;
			}
			ConnectionProvider provider = ConnectionProvider.builder("together-sandbox")
				.maxConnections(Math.min(this.maxConnections, this.maxConnectionsTotal))
				.pendingAcquireMaxCount(-1)
				// Waiting for a free connection is part of getting one: bounded like a connect,
				// rather than by Reactor Netty's own 45 s.
				.pendingAcquireTimeout(this.connectTimeout)
				.maxIdleTime(Duration.ofSeconds(30))
				.build();
			this.pool = provider;
			// Reactor Netty caps each remote address on its own; the total is capped over it.
			TotalConnectionCap cap = new TotalConnectionCap(this.maxConnectionsTotal, this.connectTimeout);
			http = cap.apply(HttpClient.create(cap.wrap(provider)))
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, this.connectTimeout.toMillis()));
			this.http = http;
			return http;
		}

		/** A {@code WebClient} over {@link #httpClient()}, for streams and transfers. */
		WebClient webClient() {
			return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient())).build();
		}

		@Override
		public synchronized void close() {
			this.closed = true;
			if (this.pool != null) {
				this.pool.dispose();
			}
		}

	}

}
