package ai.together.sandbox.emulator.internal.http;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;

/**
 * Reading request bodies within a size limit, and draining the ones that are not read.
 */
public final class Bodies {

	/** Roughly 64 MiB of 8 KiB chunks: beyond that the connection is closed instead. */
	private static final long DRAIN_LIMIT_CHUNKS = 8192;

	private Bodies() {
	}

	/**
	 * Reads a whole request body, refusing (413) bodies larger than {@code limit}. An oversized body
	 * is still drained, up to a bound, so that the client reads the 413 instead of a reset
	 * connection.
	 * @param request the request
	 * @param limit the largest body accepted
	 * @return the body
	 */
	public static Mono<byte[]> read(Request request, long limit) {
		byte[] read = request.body();
		if (read != null) {
			return read.length > limit ? Mono.error(tooLarge(limit)) : Mono.just(read);
		}
		request.consumed().set(true);
		String length = request.header("Content-Length");
		if (length != null) {
			try {
				if (Long.parseLong(length.trim()) > limit) {
					return drain(request).then(Mono.error(tooLarge(limit)));
				}
			}
			catch (NumberFormatException ex) {
				return Mono.error(ApiException.badRequest("invalid Content-Length"));
			}
		}
		return request.netty()
			.receive()
			.reduceWith(() -> new Accumulator(limit), Accumulator::add)
			.flatMap(acc -> acc.overflow ? Mono.error(tooLarge(limit)) : Mono.just(acc.out.toByteArray()))
			.defaultIfEmpty(new byte[0]);
	}

	/**
	 * Reads a JSON object body; an empty body is an empty object.
	 * @param request the request
	 * @param limit the largest body accepted
	 * @return the object
	 */
	public static Mono<Map<String, Object>> jsonObject(Request request, long limit) {
		return read(request, limit).map(Json::object);
	}

	/**
	 * Discards what is left of a body.
	 * @param request the request
	 * @return completes once drained
	 */
	public static Mono<Void> drain(Request request) {
		if (request.body() != null) {
			return Mono.empty();
		}
		request.consumed().set(true);
		return request.netty().receive().take(DRAIN_LIMIT_CHUNKS).then().onErrorResume(ex -> Mono.empty());
	}

	/**
	 * The 413 failure of a body over the limit.
	 * @param limit the limit
	 * @return the exception
	 */
	public static ApiException tooLarge(long limit) {
		return new ApiException(413, "request body exceeds the limit of " + limit + " bytes");
	}

	private static final class Accumulator {

		final ByteArrayOutputStream out = new ByteArrayOutputStream();

		final long limit;

		long total;

		boolean overflow;

		Accumulator(long limit) {
			this.limit = limit;
		}

		Accumulator add(ByteBuf buf) {
			int n = buf.readableBytes();
			this.total += n;
			if (this.total > this.limit) {
				this.overflow = true;
				this.out.reset();
			}
			else {
				byte[] bytes = new byte[n];
				buf.readBytes(bytes);
				this.out.writeBytes(bytes);
			}
			return this;
		}

	}

}
