package ai.together.sandbox.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.observation.DefaultTogetherSandboxClientObservationConvention;
import ai.together.sandbox.observation.TogetherSandboxClientObservationContext;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.observation.TogetherSandboxObservationDocumentation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client's HTTP transport over one {@link WebClient} (and, with a connection pool of its
 * own, the Reactor Netty client under it): executes non-streaming calls with the
 * retry engine, a response timeout and the error mapper, and opens streams (no retry, no response
 * timeout, optionally an idle timeout). Both APIs (management and every sandbox's agent) share it,
 * and so its connection pool. {@link #close()} ends every call and stream still in flight.
 * <p>
 * The {@code WebClient} is created on first use, not with the transport. A transport over a
 * Reactor Netty client of its own (the client's own pool) sends non-streaming calls to that
 * client directly: the {@code WebClient}'s exchange, codecs and header maps cost more than such a
 * call needs, and nothing of an application's is configured on it. On Reactor Netty, no
 * timeout schedules a Reactor timer: the response timeout of a call is a task on its connection's
 * event loop (started when the request is sent, cancelled when the response has been read; when
 * it fires it closes the connection), and the idle timeout of a stream is Reactor Netty's
 * per-request response timeout (a read timeout on the connection, reset by every byte). On
 * another connector both are Reactor timers.
 * <p>
 * With an {@link ObservationRegistry}, each {@code call(...)} is observed as one
 * {@code together.sandbox.client.requests} observation spanning all its attempts and the waits
 * between them, and so is each operation made of transfers that {@link #observed(ApiCall, Mono)}
 * wraps (file downloads and uploads); {@link #attempt(ApiCall, ResponseDecoder) attempt(...)} and
 * {@link #stream(ApiCall) streams} are not observed (a stream lives as long as its consumer wants, so its duration says
 * nothing about the service; the {@code WebClient}'s own {@code http.client.requests} still
 * records it).
 */
public final class HttpTransport implements AutoCloseable {

	/** Reads a successful response body. */
	@FunctionalInterface
	public interface ResponseDecoder<T> {

		/**
		 * Decodes the body of a 2xx response.
		 * @param status the status
		 * @param body the body (empty when the response had none)
		 * @return the value, or {@code null} for none
		 * @throws IOException when the body does not have the expected shape
		 */
		@Nullable T decode(int status, InputStream body) throws IOException;

	}

	private static final ResponseDecoder<Void> DISCARD = (status, body) -> null;

	/**
	 * Reactor context key of the current observation; the value of Micrometer's
	 * {@code ObservationThreadLocalAccessor.KEY}, under which {@code WebClient} looks up the parent
	 * of its own observation (named here because that class needs context-propagation).
	 */
	private static final String OBSERVATION_KEY = "micrometer.observation";

	/** Reactor context key of the observation context of an observed operation's transfers. */
	private static final String OBSERVED_CALL_KEY = TogetherSandboxClientObservationContext.class.getName();

	/** What this transport shares with those derived from it: the WebClient and the calls in flight. */
	private final Shared shared;

	private final RetryEngine retryEngine;

	private final Duration responseTimeout;

	private final @Nullable AutoCloseable ownedResources;

	private final ObservationRegistry observationRegistry;

	private final @Nullable TogetherSandboxClientObservationConvention observationConvention;

	private final @Nullable Duration streamIdleTimeout;

	private final Map<String, String> headers;

	/** Knows every credential of this transport and those derived from it, and removes them from errors. */
	private final Redactor redactor;

	/** The transport this one was derived from (its closing closes this one), or {@code null}. */
	private final @Nullable HttpTransport parent;

	private volatile boolean isClosed;

	/**
	 * Creates a transport without observations.
	 * @param webClient the client to send requests with
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()} (the connection pool when the
	 * transport created it), or {@code null}
	 */
	public HttpTransport(WebClient webClient, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources) {
		this(webClient, retryEngine, responseTimeout, ownedResources, ObservationRegistry.NOOP, null);
	}

	/**
	 * Creates a transport.
	 * @param webClient the client to send requests with
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()} (the connection pool when the
	 * transport created it), or {@code null}
	 * @param observationRegistry where calls are observed ({@link ObservationRegistry#NOOP} for
	 * nowhere)
	 * @param observationConvention a convention replacing the default one, or {@code null}
	 */
	public HttpTransport(WebClient webClient, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention) {
		this(webClient, retryEngine, responseTimeout, ownedResources, observationRegistry, observationConvention, null);
	}

	/**
	 * Creates a transport.
	 * @param webClient the client to send requests with
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()} (the connection pool when the
	 * transport created it), or {@code null}
	 * @param observationRegistry where calls are observed ({@link ObservationRegistry#NOOP} for
	 * nowhere)
	 * @param observationConvention a convention replacing the default one, or {@code null}
	 * @param streamIdleTimeout the idle timeout that {@link #streamIdleTimeout()} reports for the
	 * streams of sandbox agents, or {@code null} for none
	 */
	public HttpTransport(WebClient webClient, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention,
			@Nullable Duration streamIdleTimeout) {
		this(new Shared(singleton(Objects.requireNonNull(webClient, "webClient")), null, null), retryEngine, responseTimeout,
				ownedResources, observationRegistry, observationConvention, streamIdleTimeout, Map.of(), null,
				new Redactor());
	}

	/**
	 * Creates a transport whose {@code WebClient} is created on first use.
	 * @param webClient creates the client to send requests with, once, on the first call
	 * @param reactorNetty {@code true} when that client's connector is known to be Reactor Netty
	 * (then even the first call has no timer of its own), {@code false} when it is not known
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()}, or {@code null}; closed also
	 * when the client was never created
	 * @param observationRegistry where calls are observed ({@link ObservationRegistry#NOOP} for
	 * nowhere)
	 * @param observationConvention a convention replacing the default one, or {@code null}
	 * @param streamIdleTimeout the idle timeout that {@link #streamIdleTimeout()} reports for the
	 * streams of sandbox agents, or {@code null} for none
	 */
	public HttpTransport(Supplier<WebClient> webClient, boolean reactorNetty, RetryEngine retryEngine,
			Duration responseTimeout, @Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention,
			@Nullable Duration streamIdleTimeout) {
		this(new Shared(Objects.requireNonNull(webClient, "webClient"), null, reactorNetty ? Boolean.TRUE : null),
				retryEngine, responseTimeout, ownedResources, observationRegistry, observationConvention,
				streamIdleTimeout, Map.of(), null, new Redactor());
	}

	/**
	 * Creates a transport over a Reactor Netty {@code HttpClient} of its own, created on first use:
	 * non-streaming calls go to it directly, streams and transfers through a {@code WebClient}
	 * over the same client (and so the same connection pool).
	 * @param httpClient creates the Netty client, once, on the first call
	 * @param webClient creates the {@code WebClient} over that Netty client, once, on the first
	 * stream or transfer
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()}, or {@code null}; closed also
	 * when the client was never created
	 * @param observationRegistry where calls are observed ({@link ObservationRegistry#NOOP} for
	 * nowhere)
	 * @param observationConvention a convention replacing the default one, or {@code null}
	 * @param streamIdleTimeout the idle timeout that {@link #streamIdleTimeout()} reports for the
	 * streams of sandbox agents, or {@code null} for none
	 */
	public HttpTransport(Supplier<HttpClient> httpClient, Supplier<WebClient> webClient, RetryEngine retryEngine,
			Duration responseTimeout, @Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention,
			@Nullable Duration streamIdleTimeout) {
		this(new Shared(Objects.requireNonNull(webClient, "webClient"), Objects.requireNonNull(httpClient, "httpClient"),
				Boolean.TRUE), retryEngine, responseTimeout, ownedResources, observationRegistry, observationConvention,
				streamIdleTimeout, Map.of(), null, new Redactor());
	}

	private static Supplier<WebClient> singleton(WebClient webClient) {
		return () -> webClient;
	}

	private HttpTransport(Shared shared, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention,
			@Nullable Duration streamIdleTimeout, Map<String, String> headers, @Nullable HttpTransport parent,
			Redactor redactor) {
		this.redactor = redactor;
		this.streamIdleTimeout = streamIdleTimeout;
		this.shared = shared;
		this.retryEngine = Objects.requireNonNull(retryEngine, "retryEngine");
		this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
		this.ownedResources = ownedResources;
		this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
		this.observationConvention = observationConvention;
		this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
		this.parent = parent;
	}

	/**
	 * Returns a transport over the same {@code WebClient}, and so the same connection pool, with
	 * its own retry engine, response timeout and extra request headers. Closing it ends only the
	 * calls and streams in flight through it and never releases the pool; closing this transport
	 * closes it too.
	 * @param retryEngine the retry engine of the derived transport
	 * @param responseTimeout its default response timeout of non-streaming calls
	 * @param headers the headers it adds to every request (the call's own headers win)
	 * @return the derived transport
	 */
	public HttpTransport derive(RetryEngine retryEngine, Duration responseTimeout, Map<String, String> headers) {
		return new HttpTransport(this.shared, retryEngine, responseTimeout, null, this.observationRegistry,
				this.observationConvention, this.streamIdleTimeout, headers, this, this.redactor);
	}

	/**
	 * Returns the default response timeout of non-streaming calls.
	 * @return the timeout
	 */
	public Duration responseTimeout() {
		return this.responseTimeout;
	}

	/**
	 * Returns the headers added to every request.
	 * @return the headers in the order they were set, unmodifiable
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Whether this transport, or the one it was derived from, is closed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.isClosed || (this.parent != null && this.parent.isClosed());
	}

	/**
	 * Returns the redactor shared by this transport, the one it was derived from and those
	 * derived from it: every error leaving the transport has passed through it.
	 * @return the redactor
	 */
	public Redactor redactor() {
		return this.redactor;
	}

	/**
	 * Returns the retry engine.
	 * @return the retry engine
	 */
	public RetryEngine retryEngine() {
		return this.retryEngine;
	}

	/**
	 * Returns the idle timeout of agent streams: how long a stream may deliver no byte at all
	 * (keep-alive comments count) before it is closed.
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration streamIdleTimeout() {
		return this.streamIdleTimeout;
	}

	/**
	 * Executes a call with retries and decodes its JSON body into a type.
	 * @param <T> the type
	 * @param call the call
	 * @param type the type
	 * @return the value
	 */
	public <T> Mono<T> call(ApiCall call, Class<T> type) {
		return call(call, (status, body) -> {
			T value = Json.read(body, type);
			// A started sandbox's agent token, an issued registry password: quoted by a later error,
			// they are redacted too.
			this.redactor.learnFrom(value);
			return value;
		});
	}

	/**
	 * Executes a call with retries and ignores its body.
	 * @param call the call
	 * @return completion
	 */
	public Mono<Void> call(ApiCall call) {
		return call(call, DISCARD);
	}

	/**
	 * Executes a call with retries.
	 * @param <T> the result type
	 * @param call the call
	 * @param decoder reads a successful response
	 * @return the value (empty when the decoder returns {@code null})
	 */
	public <T> Mono<T> call(ApiCall call, ResponseDecoder<T> decoder) {
		return call(call, decoder, this.retryEngine,
				(error) -> this.retryEngine.config().isRetryableByDefault(call.operation(), RetryEngine.statusOf(error)));
	}

	/**
	 * Executes a call with another retry engine and default retry rule than the client's (the
	 * image builder's calls, which always use the default configuration and retry any failure).
	 * @param <T> the result type
	 * @param call the call
	 * @param decoder reads a successful response
	 * @param engine the retry engine
	 * @param retryableByDefault the rule applied when the engine has no {@code shouldRetry}
	 * @return the value (empty when the decoder returns {@code null})
	 */
	public <T> Mono<T> call(ApiCall call, ResponseDecoder<T> decoder, RetryEngine engine,
			Predicate<Throwable> retryableByDefault) {
		// Guarded as a whole: closing the client also ends a call waiting between two attempts.
		return untilClosed(call, observed(call, decoder, engine, retryableByDefault));
	}

	private <T> Mono<T> observed(ApiCall call, ResponseDecoder<T> decoder, RetryEngine engine,
			Predicate<Throwable> retryableByDefault) {
		if (this.observationRegistry.isNoop()) {
			return engine.execute(call.operation(), () -> exchange(call, decoder), retryableByDefault);
		}
		return observing(call, (context) -> {
			ResponseDecoder<T> recording = (status, body) -> {
				context.setStatus(status);
				return decoder.decode(status, body);
			};
			return engine.execute(call.operation(), () -> {
				context.attemptStarted();
				return exchange(call, recording);
			}, retryableByDefault);
		});
	}

	/**
	 * Observes a whole operation made of {@link #transfer transfers} (its attempts included) as one
	 * {@code together.sandbox.client.requests} observation of the call's operation, as
	 * {@code call(...)} observes its calls: each transfer subscribed within it counts as an
	 * attempt and records its status.
	 * @param <T> the result type
	 * @param call the call the operation makes (its operation and sandbox name the observation)
	 * @param operation the operation
	 * @return the operation, observed
	 */
	public <T> Mono<T> observed(ApiCall call, Mono<T> operation) {
		if (this.observationRegistry.isNoop()) {
			return operation;
		}
		return observing(call, (context) -> operation);
	}

	private <T> Mono<T> observing(ApiCall call,
			Function<TogetherSandboxClientObservationContext, Mono<T>> work) {
		return Mono.deferContextual((reactorContext) -> {
			TogetherSandboxClientObservationContext context = new TogetherSandboxClientObservationContext(
					call.operation(), call.sandboxId());
			Observation observation = TogetherSandboxObservationDocumentation.CLIENT_REQUEST.observation(
					this.observationConvention, DefaultTogetherSandboxClientObservationConvention.INSTANCE,
					() -> context, this.observationRegistry);
			Observation parent = reactorContext.getOrDefault(OBSERVATION_KEY, null);
			if (parent != null) {
				// Reactive callers carry their observation in the Reactor context, not in a thread local.
				observation.parentObservation(parent);
			}
			observation.start();
			return work.apply(context)
				// Stop before the result reaches the caller (doFinally would run after), so that a
				// blocking caller finds the timer recorded when its call returns.
				.doOnSuccess((value) -> observation.stop())
				.doOnError((error) -> {
					context.setStatus(RetryEngine.statusOf(error));
					observation.error(error);
					observation.stop();
				})
				.doOnCancel(() -> {
					context.setCancelled(true);
					observation.stop();
				})
				// The WebClient's http.client.requests observations become children of this one.
				.contextWrite((reactor) -> reactor.put(OBSERVATION_KEY, observation).put(OBSERVED_CALL_KEY, context));
		});
	}

	/**
	 * Executes one attempt of a call, without retries.
	 * @param <T> the result type
	 * @param call the call
	 * @param decoder reads a successful response
	 * @return the value
	 */
	public <T> Mono<T> attempt(ApiCall call, ResponseDecoder<T> decoder) {
		return untilClosed(call, exchange(call, decoder));
	}

	private <T> Mono<T> exchange(ApiCall call, ResponseDecoder<T> decoder) {
		Duration timeout = (call.timeout() != null) ? call.timeout() : this.responseTimeout;
		Deadline deadline = new Deadline(timeout);
		HttpClient direct = this.shared.httpClient();
		Mono<T> exchange;
		if (direct != null) {
			exchange = directExchange(direct, call, decoder, deadline);
		}
		else {
			Boolean nativeTimeouts = this.shared.nativeTimeouts;
			exchange = request(call, null).httpRequest((request) -> this.shared.startDeadline(request, deadline))
				.exchangeToMono((response) -> readResponse(call, response, decoder));
			if (!Boolean.TRUE.equals(nativeTimeouts)) {
				// Not (yet) known to run on Reactor Netty: a Reactor timer instead, or as well.
				exchange = exchange.timeout(timeout, Mono.error(() -> responseTimeoutFailure(call, timeout)));
			}
		}
		return exchange.doFinally((signal) -> deadline.cancel())
			.onErrorMap((error) -> deadline.expired, (error) -> responseTimeoutFailure(call, timeout))
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
	}

	private static TimeoutException responseTimeoutFailure(ApiCall call, Duration timeout) {
		// Named after the builder setting, with its value: a timeout set in the wrong unit
		// (30 ms for 30 s) shows at once.
		String setting = (call.timeout() == null) ? "responseTimeout"
				: (call.timeoutSetting() != null) ? call.timeoutSetting() : "the call's own timeout";
		return new TimeoutException("no response within " + shownDuration(timeout) + " (" + setting + ")");
	}

	/**
	 * Whether an error is Reactor Netty's response timeout (the read timeout the transport sets
	 * on each request), possibly wrapped by the {@code WebClient}.
	 */
	private static boolean isReadTimeout(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ReadTimeoutException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static String shownDuration(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * Opens a stream (for example server-sent events). No retry, no response timeout and no idle
	 * timeout; a non-2xx answer fails with the mapped {@code HttpException}. Cancelling the
	 * returned Flux closes the connection.
	 * @param call the call
	 * @return the body as it arrives
	 */
	public Flux<DataBuffer> stream(ApiCall call) {
		return stream(call, null);
	}

	/**
	 * Opens a stream that fails when no byte arrives for {@code idleTimeout}: from the request to
	 * the first byte of the body, and between two chunks of the body. Any byte counts, so a server
	 * that sends keep-alive comments keeps a quiet stream open. The failure is an
	 * {@code HttpException} with status 0 whose cause is a {@link TimeoutException}; the
	 * connection is closed. No retry and no response timeout; a non-2xx answer fails with the
	 * mapped {@code HttpException}. Cancelling the returned Flux closes the connection.
	 * @param call the call
	 * @param idleTimeout the idle timeout, or {@code null} for none
	 * @return the body as it arrives
	 */
	public Flux<DataBuffer> stream(ApiCall call, @Nullable Duration idleTimeout) {
		Boolean nativeTimeouts = this.shared.nativeTimeouts;
		Flux<DataBuffer> body = Flux.defer(() -> request(call, idleTimeout).exchangeToFlux((response) -> {
			if (response.statusCode().is2xxSuccessful()) {
				return response.body(BodyExtractors.toDataBuffers());
			}
			return readBytes(response).flatMapMany((bytes) -> Flux.error(ErrorMapper.errorResponse(call.operation(),
					call.context(), response.statusCode().value(), response.headers().asHttpHeaders(), bytes)));
		}));
		if (idleTimeout != null) {
			// A half-open connection (or a stalled proxy) delivers nothing, ever: without this a
			// stream would wait forever. On Reactor Netty the per-request response timeout is
			// exactly this idle timeout (a read timeout, reset by every byte, that closes the
			// connection), with no timer per chunk; elsewhere a Reactor timer, re-armed per chunk,
			// cancels the exchange, which closes the connection.
			if (!Boolean.TRUE.equals(nativeTimeouts)) {
				body = body.timeout(idleTimeout, Flux.error(() -> streamIdleFailure(idleTimeout)));
			}
			body = body.onErrorMap(HttpTransport::isReadTimeout, (error) -> streamIdleFailure(idleTimeout));
		}
		body = body
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
		return untilClosed(call, body);
	}

	private static TimeoutException streamIdleFailure(Duration idleTimeout) {
		return new TimeoutException(
				"no data received for " + idleTimeout.toMillis() + "ms (stream idle timeout); the stream was closed");
	}

	/**
	 * Exchanges a call whose request body, if any, is streamed from a publisher and returns the
	 * response body as it arrives, for transfers too large to hold in memory. No retry (the caller
	 * retries when its body can be sent again) and no whole-call timeout: the response timeout of
	 * the call (or the default one) bounds each wait for data once the request has been sent,
	 * through Reactor Netty's per-request {@code responseTimeout}, so a long transfer that keeps
	 * moving is never cut short. A non-2xx answer fails with the mapped {@code HttpException};
	 * the response timing out fails with an {@code HttpException} of status 0 whose cause is a
	 * {@link TimeoutException}. Cancelling the returned Flux closes the connection. Observed only
	 * within {@link #observed(ApiCall, Mono)}, as one attempt of its operation. With a {@code WebClient} on another
	 * connector than Reactor Netty's there is no response timeout.
	 * @param call the call (its byte body, if any, is ignored when {@code requestBody} is given)
	 * @param requestBody the request body, or {@code null} for the call's own body
	 * @return the response body as it arrives
	 */
	public Flux<DataBuffer> transfer(ApiCall call, @Nullable Publisher<DataBuffer> requestBody) {
		Duration timeout = (call.timeout() != null) ? call.timeout() : this.responseTimeout;
		String setting = (call.timeout() == null) ? "responseTimeout"
				: (call.timeoutSetting() != null) ? call.timeoutSetting() : "the call's own timeout";
		WebClient.RequestHeadersSpec<?> spec = (requestBody != null)
				? prepare(call).body(BodyInserters.fromDataBuffers(requestBody)) : request(call, null);
		// Timed by the connection, not by a scheduler timer, and only from the end of the request.
		Flux<DataBuffer> body = spec.httpRequest((request) -> this.shared.applyTimeout(request, timeout))
			.exchangeToFlux((response) -> Flux.deferContextual((reactor) -> {
				// Within observed(call, operation): this transfer is one of its attempts.
				reactor.<TogetherSandboxClientObservationContext>getOrEmpty(OBSERVED_CALL_KEY)
					.ifPresent((observed) -> observed.setStatus(response.statusCode().value()));
				if (response.statusCode().is2xxSuccessful()) {
					return response.body(BodyExtractors.toDataBuffers());
				}
				return readBytes(response).flatMapMany((bytes) -> Flux.error(ErrorMapper.errorResponse(
						call.operation(), call.context(), response.statusCode().value(),
						response.headers().asHttpHeaders(), bytes)));
			}))
			.onErrorMap(HttpTransport::isReadTimeout,
					(error) -> new TimeoutException("no data received for " + shownDuration(timeout) + " (" + setting + ")"))
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
		Flux<DataBuffer> counted = Flux.deferContextual((reactor) -> {
			reactor.<TogetherSandboxClientObservationContext>getOrEmpty(OBSERVED_CALL_KEY)
				.ifPresent(TogetherSandboxClientObservationContext::attemptStarted);
			return body;
		});
		return untilClosed(call, counted);
	}

	/**
	 * Fails a call at once when the transport is closed, and ends it (cancelling its exchange,
	 * which closes the connection) when the transport is closed while it is in flight.
	 */
	private <T> Mono<T> untilClosed(ApiCall call, Mono<T> work) {
		return Mono.defer(() -> {
			if (isClosed()) {
				return Mono.error(closedFailure(call, "is closed"));
			}
			// Without this, closing the client would leave calls in flight until their response
			// timeout, and calls made after close would wait for a pool that no longer serves.
			return this.shared.inFlight().guard(work, this::isClosed, () -> closedFailure(call, "was closed"));
		});
	}

	private Flux<DataBuffer> untilClosed(ApiCall call, Flux<DataBuffer> work) {
		return Flux.defer(() -> {
			if (isClosed()) {
				return Flux.error(closedFailure(call, "is closed"));
			}
			// A stream ends with an error rather than quietly: its consumer must not take a stream
			// cut short by close() for one the server completed (an exec output stream would
			// otherwise try to reconnect).
			return this.shared.inFlight().guard(work, this::isClosed, () -> closedFailure(call, "was closed"));
		});
	}

	private static TogetherSandboxException closedFailure(ApiCall call, String state) {
		return new TogetherSandboxException(
				call.operation() + ErrorMapper.suffix(call.context()) + ": the client " + state);
	}

	private WebClient.RequestHeadersSpec<?> request(ApiCall call, @Nullable Duration timeout) {
		WebClient.RequestBodySpec spec = target(call);
		if (timeout != null) {
			spec = spec.httpRequest((request) -> this.shared.applyTimeout(request, timeout));
		}
		byte[] body = call.body();
		if (body == null) {
			return spec;
		}
		return withContentType(spec, call).bodyValue(body);
	}

	/** The call's target and headers, for a body that is streamed from a publisher. */
	private WebClient.RequestBodySpec prepare(ApiCall call) {
		return withContentType(target(call), call);
	}

	private WebClient.RequestBodySpec target(ApiCall call) {
		this.redactor.learn(call.bearerToken());
		return this.shared.webClient()
			.method(call.method())
			.uri(call.uri())
			.headers((headers) -> {
				// The call's own headers (Accept of a stream) win over the client's extra ones.
				this.headers.forEach(headers::set);
				call.headers().forEach(headers::set);
				headers.setBearerAuth(call.bearerToken());
			});
	}

	private static WebClient.RequestBodySpec withContentType(WebClient.RequestBodySpec spec, ApiCall call) {
		return (call.contentType() != null) ? spec.contentType(MediaType.parseMediaType(call.contentType())) : spec;
	}

	/**
	 * One attempt straight on the transport's own Reactor Netty client, without the
	 * {@code WebClient} in between (a non-streaming call needs none of its codecs or filters):
	 * the same headers, body, deadline and response handling as {@link #request}.
	 */
	private <T> Mono<T> directExchange(HttpClient client, ApiCall call, ResponseDecoder<T> decoder,
			Deadline deadline) {
		this.redactor.learn(call.bearerToken());
		byte[] body = call.body();
		return client.request(io.netty.handler.codec.http.HttpMethod.valueOf(call.method().name()))
			.uri(call.uri())
			.send((request, outbound) -> {
				io.netty.handler.codec.http.HttpHeaders headers = request.requestHeaders();
				// The call's own headers (Accept of a stream) win over the client's extra ones.
				this.headers.forEach(headers::set);
				call.headers().forEach(headers::set);
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.bearerToken());
				// Sent as the request goes out, on the connection's event loop.
				deadline.start((ChannelOperations<?, ?>) request);
				if (body == null) {
					return outbound;
				}
				if (call.contentType() != null) {
					headers.set(HttpHeaderNames.CONTENT_TYPE, call.contentType());
				}
				headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
				return outbound.sendObject(Unpooled.wrappedBuffer(body));
			})
			.responseSingle((response, content) -> {
				int status = response.status().code();
				if (status < 200 || status > 299) {
					return failure(call, status, new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders())),
							content.asByteArray().defaultIfEmpty(new byte[0]));
				}
				return decode(call, status, content.asInputStream(), decoder);
			})
			// Everything Netty throws here is about the exchange (a malformed answer is an
			// IllegalArgumentException of its decoder), never a programming error of the caller's.
			.onErrorMap((error) -> !(error instanceof TogetherSandboxException),
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error));
	}

	private <T> Mono<T> readResponse(ApiCall call, ClientResponse response, ResponseDecoder<T> decoder) {
		int status = response.statusCode().value();
		if (!response.statusCode().is2xxSuccessful()) {
			return failure(call, status, response.headers().asHttpHeaders(), readBytes(response));
		}
		return decode(call, status, DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()))
			.map((buffer) -> (InputStream) buffer.asInputStream(true)), decoder);
	}

	private static <T> Mono<T> failure(ApiCall call, int status, HttpHeaders headers, Mono<byte[]> body) {
		return body.flatMap((bytes) -> Mono
			.error(ErrorMapper.errorResponse(call.operation(), call.context(), status, headers, bytes)));
	}

	private static <T> Mono<T> decode(ApiCall call, int status, Mono<InputStream> content, ResponseDecoder<T> decoder) {
		return content.defaultIfEmpty(InputStream.nullInputStream()).flatMap((in) -> {
			try (InputStream body = in) {
				return Mono.justOrEmpty(decoder.decode(status, body));
			}
			catch (IOException | RuntimeException ex) {
				return Mono.error(ErrorMapper.invalidBody(call.operation(), call.context(), status, ex));
			}
		});
	}

	private static Mono<byte[]> readBytes(ClientResponse response) {
		return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers())).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty(new byte[0]);
	}

	private static boolean isTransportFailure(Throwable error) {
		// Anything that is not already one of ours (or a programming error) means no usable
		// response was received: connect, TLS, timeout, reset, malformed HTTP.
		return !(error instanceof TogetherSandboxException) && !(error instanceof IllegalArgumentException);
	}

	/**
	 * Ends every call and stream in flight (each fails with a {@code TogetherSandboxException}
	 * saying the client was closed, and its connection is closed), makes later calls fail at once,
	 * and releases the owned resources.
	 */
	@Override
	public void close() {
		this.isClosed = true;
		// None made: no call ever started. One made after the read below registers its call,
		// then sees isClosed (written before this read) and ends it itself.
		InFlight inFlight = this.shared.inFlightIfAny();
		if (inFlight != null) {
			inFlight.abortClosed();
		}
		if (this.ownedResources != null) {
			try {
				this.ownedResources.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Failed to release HTTP resources", ex);
			}
		}
	}

	/** Number of calls and streams in flight through this transport's family (for tests). */
	int inFlightCount() {
		InFlight inFlight = this.shared.inFlightIfAny();
		return (inFlight != null) ? inFlight.size() : 0;
	}

	/**
	 * The response timeout of one attempt on Reactor Netty: a task on the event loop of the
	 * attempt's connection, which closes the connection when the response has not been read in
	 * time. The exchange then fails (the connection closed under it) and {@link #expired} says why.
	 */
	private static final class Deadline implements Runnable {

		private final long nanos;

		private @Nullable ChannelOperations<?, ?> operations;

		private volatile io.netty.util.concurrent.@Nullable ScheduledFuture<?> task;

		private volatile boolean cancelled;

		volatile boolean expired;

		Deadline(Duration timeout) {
			this.nanos = timeout.toNanos();
		}

		/** Called on the connection's event loop as the request is sent. */
		void start(ChannelOperations<?, ?> operations) {
			this.operations = operations;
			if (!this.cancelled) {
				this.task = operations.channel().eventLoop().schedule(this, this.nanos, TimeUnit.NANOSECONDS);
				if (this.cancelled) {
					cancel();
				}
			}
		}

		@Override
		public void run() {
			ChannelOperations<?, ?> current = this.operations;
			// Runs on the event loop, as does the binding of the connection to a request: a
			// connection that serves another request already is never closed here. (One idle in
			// the pool may be, if the response was read but not yet seen by cancel(): the pool
			// then discards it.)
			if (this.cancelled || current == null || ChannelOperations.get(current.channel()) != current) {
				return;
			}
			this.expired = true;
			current.channel().close();
		}

		void cancel() {
			this.cancelled = true;
			io.netty.util.concurrent.ScheduledFuture<?> scheduled = this.task;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

	/**
	 * Shared by a transport and those derived from it: the {@code WebClient}, created once on
	 * first use, what its connector is, and the calls in flight.
	 */
	private static final class Shared {

		private final Lazy<WebClient> webClient;

		/** The Netty client that non-streaming calls use directly, when the transport has one. */
		private final @Nullable Lazy<HttpClient> httpClient;

		/**
		 * {@code TRUE} once the connector is known to be Reactor Netty (its per-request response
		 * timeout is then the only timer), {@code FALSE} once known not to be, {@code null} before.
		 */
		volatile @Nullable Boolean nativeTimeouts;

		/** Made on the first call: building a client loads none of Reactor's operators. */
		private final Lazy<InFlight> inFlight = new Lazy<>() {

			@Override
			protected InFlight make() {
				return new InFlight();
			}

		};

		Shared(Supplier<WebClient> factory, @Nullable Supplier<HttpClient> httpClientFactory,
				@Nullable Boolean nativeTimeouts) {
			this.webClient = Lazy.of(factory);
			this.httpClient = (httpClientFactory != null) ? Lazy.of(httpClientFactory) : null;
			this.nativeTimeouts = nativeTimeouts;
		}

		/** The Netty client of the transport's own pool, or {@code null} when it has none. */
		@Nullable HttpClient httpClient() {
			return (this.httpClient != null) ? this.httpClient.get() : null;
		}

		WebClient webClient() {
			return this.webClient.get();
		}

		InFlight inFlight() {
			return this.inFlight.get();
		}

		/** The calls in flight, or {@code null} when none was ever made. */
		@Nullable InFlight inFlightIfAny() {
			return this.inFlight.getIfMade();
		}

		void applyTimeout(ClientHttpRequest request, Duration timeout) {
			if (request.getNativeRequest() instanceof HttpClientRequest reactorRequest) {
				reactorRequest.responseTimeout(timeout);
				learn(true);
			}
			else {
				learn(false);
			}
		}

		void startDeadline(ClientHttpRequest request, Deadline deadline) {
			if (request.getNativeRequest() instanceof ChannelOperations<?, ?> operations) {
				deadline.start(operations);
				learn(true);
			}
			else {
				learn(false);
			}
		}

		private void learn(boolean reactorNetty) {
			if (this.nativeTimeouts == null) {
				this.nativeTimeouts = reactorNetty;
			}
		}

	}

}
