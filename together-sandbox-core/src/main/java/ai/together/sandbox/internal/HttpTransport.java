package ai.together.sandbox.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;

import ai.together.sandbox.TogetherSandboxException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client's HTTP transport over one {@link WebClient}: executes non-streaming calls with the
 * retry engine, a response timeout and the error mapper, and opens streams (no retry, no timeout).
 * Both APIs (management and every sandbox's agent) share it, and so its connection pool.
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

	private final WebClient webClient;

	private final RetryEngine retryEngine;

	private final Duration responseTimeout;

	private final @Nullable AutoCloseable ownedResources;

	/**
	 * Creates a transport.
	 * @param webClient the client to send requests with
	 * @param retryEngine the retry engine
	 * @param responseTimeout the default response timeout of non-streaming calls
	 * @param ownedResources resources released by {@link #close()} (the connection pool when the
	 * transport created it), or {@code null}
	 */
	public HttpTransport(WebClient webClient, RetryEngine retryEngine, Duration responseTimeout,
			@Nullable AutoCloseable ownedResources) {
		this.webClient = Objects.requireNonNull(webClient, "webClient");
		this.retryEngine = Objects.requireNonNull(retryEngine, "retryEngine");
		this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
		this.ownedResources = ownedResources;
	}

	/**
	 * Returns the retry engine.
	 * @return the retry engine
	 */
	public RetryEngine retryEngine() {
		return this.retryEngine;
	}

	/**
	 * Executes a call with retries and decodes its JSON body into a type.
	 * @param <T> the type
	 * @param call the call
	 * @param type the type
	 * @return the value
	 */
	public <T> Mono<T> call(ApiCall call, Class<T> type) {
		return call(call, (status, body) -> Json.read(body, type));
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
		return this.retryEngine.execute(call.operation(), () -> attempt(call, decoder));
	}

	/**
	 * Executes one attempt of a call, without retries.
	 * @param <T> the result type
	 * @param call the call
	 * @param decoder reads a successful response
	 * @return the value
	 */
	public <T> Mono<T> attempt(ApiCall call, ResponseDecoder<T> decoder) {
		Duration timeout = (call.timeout() != null) ? call.timeout() : this.responseTimeout;
		return request(call).exchangeToMono((response) -> readResponse(call, response, decoder))
			.timeout(timeout)
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error));
	}

	/**
	 * Opens a stream (for example server-sent events). No retry and no response timeout; a non-2xx
	 * answer fails with the mapped {@code HttpException}. Cancelling the returned Flux closes the
	 * connection.
	 * @param call the call
	 * @return the body as it arrives
	 */
	public Flux<DataBuffer> stream(ApiCall call) {
		return request(call).exchangeToFlux((response) -> {
			if (response.statusCode().is2xxSuccessful()) {
				return response.body(BodyExtractors.toDataBuffers());
			}
			return readBytes(response).flatMapMany((bytes) -> Flux.error(ErrorMapper.errorResponse(call.operation(),
					call.context(), response.statusCode().value(), response.headers().asHttpHeaders(), bytes)));
		})
			.onErrorMap(HttpTransport::isTransportFailure,
					(error) -> ErrorMapper.transportFailure(call.operation(), call.context(), error));
	}

	private WebClient.RequestHeadersSpec<?> request(ApiCall call) {
		WebClient.RequestBodySpec spec = this.webClient.method(call.method())
			.uri(call.uri())
			.headers((headers) -> headers.setBearerAuth(call.bearerToken()));
		byte[] body = call.body();
		if (body == null) {
			return spec;
		}
		if (call.contentType() != null) {
			spec = spec.contentType(MediaType.parseMediaType(call.contentType()));
		}
		return spec.bodyValue(body);
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

	@Override
	public void close() {
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
