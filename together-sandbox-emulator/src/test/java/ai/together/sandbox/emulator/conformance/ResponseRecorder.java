package ai.together.sandbox.emulator.conformance;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * A {@code WebClient} filter that records every exchange the client makes: method, URL, status,
 * content type and the body bytes as the client reads them (for a stream, as far as it was read).
 * The body reaches the client unchanged.
 */
final class ResponseRecorder implements ExchangeFilterFunction {

	private final List<RecordedExchange> exchanges = new ArrayList<>();

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return next.exchange(request).map((response) -> {
			RecordedExchange exchange = new RecordedExchange(request.method().name(), request.url(),
					response.statusCode().value(),
					response.headers().contentType().map(Object::toString).orElse(""));
			synchronized (this.exchanges) {
				this.exchanges.add(exchange);
			}
			return response.mutate().body((body) -> body.doOnNext(exchange::append)).build();
		});
	}

	/**
	 * Returns the exchanges recorded since the last call and forgets them.
	 * @return the exchanges, in the order their responses arrived
	 */
	List<RecordedExchange> drain() {
		synchronized (this.exchanges) {
			List<RecordedExchange> drained = List.copyOf(this.exchanges);
			this.exchanges.clear();
			return drained;
		}
	}

	/** One request and the response to it. */
	static final class RecordedExchange {

		private final String method;

		private final URI uri;

		private final int status;

		private final String contentType;

		private final ByteArrayOutputStream body = new ByteArrayOutputStream();

		RecordedExchange(String method, URI uri, int status, String contentType) {
			this.method = method;
			this.uri = uri;
			this.status = status;
			this.contentType = contentType;
		}

		String method() {
			return this.method;
		}

		URI uri() {
			return this.uri;
		}

		int status() {
			return this.status;
		}

		String contentType() {
			return this.contentType;
		}

		/**
		 * Returns the body bytes read so far.
		 * @return a copy of the bytes
		 */
		byte[] body() {
			synchronized (this.body) {
				return this.body.toByteArray();
			}
		}

		void append(byte[] bytes) {
			synchronized (this.body) {
				this.body.writeBytes(bytes);
			}
		}

		void append(DataBuffer buffer) {
			// Copy without moving the read position: the client still has to read the buffer.
			int length = buffer.readableByteCount();
			byte[] bytes = new byte[length];
			buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), 0, length);
			synchronized (this.body) {
				this.body.writeBytes(bytes);
			}
		}

		@Override
		public String toString() {
			return this.method + " " + this.uri + " -> HTTP " + this.status;
		}

	}

}
