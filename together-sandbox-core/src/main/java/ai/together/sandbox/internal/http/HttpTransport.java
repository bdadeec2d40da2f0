package ai.together.sandbox.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.observation.DefaultTogetherSandboxClientObservationConvention;
import ai.together.sandbox.observation.TogetherSandboxClientObservationContext;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.observation.TogetherSandboxObservationDocumentation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client's HTTP transport over one {@link WebClient}: executes non-streaming calls with the
 * retry engine, a response timeout and the error mapper, and opens streams (no retry, no response
 * timeout, optionally an idle timeout). Both APIs (management and every sandbox's agent) share it,
 * and so its connection pool. {@link #close()} ends every call and stream still in flight.
 * <p>
 * With an {@link ObservationRegistry}, each {@code call(...)} is observed as one
 * {@code together.sandbox.client.requests} observation spanning all its attempts and the waits
 * between them; {@link #attempt(ApiCall, ResponseDecoder) attempt(...)} and {@link #stream(ApiCall)
 * streams} are not observed (a stream lives as long as its consumer wants, so its duration says
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

	private final WebClient webClient;

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

	/** Emits once, on close: every call and stream in flight races against it. */
	private final Sinks.One<Boolean> closed = Sinks.one();

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
		this(webClient, retryEngine, responseTimeout, ownedResources, observationRegistry, observationConvention,
				streamIdleTimeout, Map.of(), null, new Redactor());
	}

	private HttpTransport(WebClient webClient, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources, ObservationRegistry observationRegistry,
			@Nullable TogetherSandboxClientObservationConvention observationConvention,
			@Nullable Duration streamIdleTimeout, Map<String, String> headers, @Nullable HttpTransport parent,
			Redactor redactor) {
		this.redactor = redactor;
		this.streamIdleTimeout = streamIdleTimeout;
		this.webClient = Objects.requireNonNull(webClient, "webClient");
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
		return new HttpTransport(this.webClient, retryEngine, responseTimeout, null, this.observationRegistry,
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

	/** Emits when this transport, or the one it was derived from, is closed. */
	private Mono<Boolean> closedSignal() {
		return (this.parent != null) ? Mono.firstWithSignal(this.closed.asMono(), this.parent.closedSignal())
				: this.closed.asMono();
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
			ResponseDecoder<T> recording = (status, body) -> {
				context.setStatus(status);
				return decoder.decode(status, body);
			};
			return engine.execute(call.operation(), () -> {
				context.attemptStarted();
				return exchange(call, recording);
			}, retryableByDefault)
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
				.contextWrite((reactor) -> reactor.put(OBSERVATION_KEY, observation));
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
		// Named after the builder setting, with its value: a timeout set in the wrong unit
		// (30 ms for 30 s) shows at once.
		String setting = (call.timeout() == null) ? "responseTimeout"
				: (call.timeoutSetting() != null) ? call.timeoutSetting() : "the call's own timeout";
		return request(call).exchangeToMono((response) -> readResponse(call, response, decoder))
			.timeout(timeout, Mono.error(() -> new TimeoutException(
					"no response within " + shownDuration(timeout) + " (" + setting + ")")))
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
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
		Flux<DataBuffer> body = request(call).exchangeToFlux((response) -> {
			if (response.statusCode().is2xxSuccessful()) {
				return response.body(BodyExtractors.toDataBuffers());
			}
			return readBytes(response).flatMapMany((bytes) -> Flux.error(ErrorMapper.errorResponse(call.operation(),
					call.context(), response.statusCode().value(), response.headers().asHttpHeaders(), bytes)));
		})
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
		if (idleTimeout != null) {
			// A half-open connection (or a stalled proxy) delivers nothing, ever: without this a
			// stream would wait forever. Timing out cancels the exchange, which closes the connection.
			body = body.timeout(idleTimeout, Flux.error(() -> ErrorMapper.transportFailure(call.operation(),
					call.context(), new TimeoutException("no data received for " + idleTimeout.toMillis()
							+ "ms (stream idle timeout); the stream was closed"))));
		}
		return untilClosed(call, body);
	}

	/**
	 * Exchanges a call whose request body, if any, is streamed from a publisher and returns the
	 * response body as it arrives, for transfers too large to hold in memory. No retry (the caller
	 * retries when its body can be sent again) and no whole-call timeout: the response timeout of
	 * the call (or the default one) bounds each wait for data once the request has been sent,
	 * through Reactor Netty's per-request {@code responseTimeout}, so a long transfer that keeps
	 * moving is never cut short. A non-2xx answer fails with the mapped {@code HttpException};
	 * the response timing out fails with an {@code HttpException} of status 0 whose cause is a
	 * {@link TimeoutException}. Cancelling the returned Flux closes the connection. Not observed
	 * (like {@link #stream(ApiCall) streams}; the {@code WebClient}'s own
	 * {@code http.client.requests} still records it). With a {@code WebClient} on another
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
				? prepare(call).body(BodyInserters.fromDataBuffers(requestBody)) : request(call);
		Flux<DataBuffer> body = spec.httpRequest((request) -> {
			// Timed by the connection, not by a scheduler timer, and only from the end of the request.
			if (request.getNativeRequest() instanceof HttpClientRequest netty) {
				netty.responseTimeout(timeout);
			}
		}).exchangeToFlux((response) -> {
			if (response.statusCode().is2xxSuccessful()) {
				return response.body(BodyExtractors.toDataBuffers());
			}
			return readBytes(response).flatMapMany((bytes) -> Flux.error(ErrorMapper.errorResponse(call.operation(),
					call.context(), response.statusCode().value(), response.headers().asHttpHeaders(), bytes)));
		})
			.onErrorMap(HttpTransport::isReadTimeout,
					(error) -> new TimeoutException("no data received for " + shownDuration(timeout) + " (" + setting + ")"))
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error))
			.onErrorMap((error) -> this.redactor.redact(error));
		return untilClosed(call, body);
	}

	private static boolean isReadTimeout(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ReadTimeoutException) {
				return true;
			}
		}
		return false;
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
			return Mono.firstWithSignal(work,
					closedSignal().then(Mono.error(() -> closedFailure(call, "was closed"))));
		});
	}

	private Flux<DataBuffer> untilClosed(ApiCall call, Flux<DataBuffer> work) {
		return Flux.defer(() -> {
			if (isClosed()) {
				return Flux.error(closedFailure(call, "is closed"));
			}
			AtomicBoolean interrupted = new AtomicBoolean();
			// A stream ends with an error rather than quietly: its consumer must not take a stream
			// cut short by close() for one the server completed (an exec output stream would
			// otherwise try to reconnect).
			return work.takeUntilOther(closedSignal().doOnNext((value) -> interrupted.set(true)))
				.concatWith(Mono.defer(() -> interrupted.get() ? Mono.error(closedFailure(call, "was closed"))
						: Mono.empty()));
		});
	}

	private static TogetherSandboxException closedFailure(ApiCall call, String state) {
		return new TogetherSandboxException(
				call.operation() + ErrorMapper.suffix(call.context()) + ": the client " + state);
	}

	private WebClient.RequestHeadersSpec<?> request(ApiCall call) {
		WebClient.RequestBodySpec spec = prepare(call);
		byte[] body = call.body();
		if (body == null) {
			return spec;
		}
		return spec.bodyValue(body);
	}

	private WebClient.RequestBodySpec prepare(ApiCall call) {
		this.redactor.learn(call.bearerToken());
		WebClient.RequestBodySpec spec = this.webClient.method(call.method())
			.uri(call.uri())
			.headers((headers) -> {
				// The call's own headers (Accept of a stream) win over the client's extra ones.
				this.headers.forEach(headers::set);
				call.headers().forEach(headers::set);
				headers.setBearerAuth(call.bearerToken());
			});
		if (call.contentType() != null) {
			spec = spec.contentType(MediaType.parseMediaType(call.contentType()));
		}
		return spec;
	}

	private <T> Mono<T> readResponse(ApiCall call, ClientResponse response, ResponseDecoder<T> decoder) {
		int status = response.statusCode().value();
		if (!response.statusCode().is2xxSuccessful()) {
			HttpHeaders headers = response.headers().asHttpHeaders();
			return readBytes(response).flatMap((bytes) -> Mono
				.error(ErrorMapper.errorResponse(call.operation(), call.context(), status, headers, bytes)));
		}
		return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()))
			.map((buffer) -> (InputStream) buffer.asInputStream(true))
			.defaultIfEmpty(InputStream.nullInputStream())
			.flatMap((in) -> {
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
		this.closed.tryEmitValue(Boolean.TRUE);
		if (this.ownedResources != null) {
			try {
				this.ownedResources.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Failed to release HTTP resources", ex);
			}
		}
	}

}
