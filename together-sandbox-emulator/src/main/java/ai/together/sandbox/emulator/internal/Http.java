package ai.together.sandbox.emulator.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;

/**
 * HTTP plumbing shared by the three APIs: the parsed request, replies, body limits, percent
 * decoding and bearer authentication.
 */
final class Http {

	private Http() {
	}

	/** A request with its raw path (never decoded as a whole) and its decoded query parameters. */
	record Request(HttpServerRequest netty, String method, String path, Map<String, List<String>> query,
			byte @Nullable [] body, java.util.concurrent.atomic.AtomicBoolean consumed) {

		/** The same request with its body already read. */
		Request withBody(byte[] bytes) {
			this.consumed.set(true);
			return new Request(this.netty, this.method, this.path, this.query, bytes, this.consumed);
		}

		static Request of(HttpServerRequest netty) {
			String uri = netty.uri();
			int hash = uri.indexOf('#');
			if (hash >= 0) {
				uri = uri.substring(0, hash);
			}
			int q = uri.indexOf('?');
			String path = q >= 0 ? uri.substring(0, q) : uri;
			Map<String, List<String>> query = new LinkedHashMap<>();
			if (q >= 0) {
				for (String pair : uri.substring(q + 1).split("&")) {
					if (pair.isEmpty()) {
						continue;
					}
					int eq = pair.indexOf('=');
					String name = decodeQuery(eq >= 0 ? pair.substring(0, eq) : pair);
					String value = eq >= 0 ? decodeQuery(pair.substring(eq + 1)) : "";
					query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
				}
			}
			return new Request(netty, netty.method().name(), path, query, null,
					new java.util.concurrent.atomic.AtomicBoolean());
		}

		@Nullable String queryParam(String name) {
			List<String> values = this.query.get(name);
			return values == null || values.isEmpty() ? null : values.get(0);
		}

		List<String> queryParams(String name) {
			return this.query.getOrDefault(name, List.of());
		}

		@Nullable String header(String name) {
			return this.netty.requestHeaders().get(name);
		}

		@Nullable Long longParam(String name) {
			String value = queryParam(name);
			if (value == null || value.isEmpty()) {
				return null;
			}
			try {
				return Long.parseLong(value);
			}
			catch (NumberFormatException ex) {
				throw ApiException.badRequest("query parameter '" + name + "' must be an integer");
			}
		}

		/** The host and port the client used, for URLs handed back to it. */
		String origin(String fallback) {
			String host = header("Host");
			return host == null || host.isBlank() || host.contains("/") ? fallback : "http://" + host;
		}

	}

	/** A reply: a JSON body, an empty body, or a server-sent event stream. */
	record Reply(int status, byte @Nullable [] body, @Nullable Flux<?> events) {

		static Reply json(int status, Object body) {
			return new Reply(status, Json.write(body), null);
		}

		static Reply empty(int status) {
			return new Reply(status, null, null);
		}

		static Reply sse(Flux<?> events) {
			return new Reply(200, null, events);
		}

	}

	/** Runs blocking work (file system, processes) off the event loop. */
	static Mono<Reply> blocking(Callable<Reply> work) {
		return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Reads a whole request body, refusing (413) bodies larger than {@code limit}. An oversized body
	 * is still drained, up to a bound, so that the client reads the 413 instead of a reset
	 * connection.
	 */
	static Mono<byte[]> body(Request request, long limit) {
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

	static Mono<Void> drain(Request request) {
		if (request.body() != null) {
			return Mono.empty();
		}
		request.consumed().set(true);
		return request.netty().receive().take(DRAIN_LIMIT_CHUNKS).then().onErrorResume(ex -> Mono.empty());
	}

	/** Roughly 64 MiB of 8 KiB chunks: beyond that the connection is closed instead. */
	private static final long DRAIN_LIMIT_CHUNKS = 8192;

	static ApiException tooLarge(long limit) {
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

	/** Server-sent events: one JSON object per {@code data:} line, with a periodic keep-alive. */
	static Flux<ByteBuf> sseFrames(Flux<?> events, Duration keepAlive) {
		// Multicast the events, never the buffers: a second subscriber that discards elements would
		// release buffers the first one still has to write.
		Flux<byte[]> frames = events.publish(shared -> Flux.merge(shared.map(Http::frame),
				Flux.interval(keepAlive)
					.map(i -> ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII))
					.takeUntilOther(shared.then(Mono.just(true)).onErrorReturn(true))));
		return frames.map(Unpooled::wrappedBuffer);
	}

	private static byte[] frame(Object event) {
		byte[] json = Json.write(event);
		byte[] frame = new byte[json.length + 8];
		System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
		System.arraycopy(json, 0, frame, 6, json.length);
		frame[frame.length - 2] = '\n';
		frame[frame.length - 1] = '\n';
		return frame;
	}

	/**
	 * Percent-decodes a path: {@code %2F} becomes {@code /}, {@code +} stays a plus sign.
	 */
	static String decodePath(String raw) {
		if (raw.indexOf('%') < 0) {
			return raw;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '%' && i + 2 < raw.length()) {
				int hi = Character.digit(raw.charAt(i + 1), 16);
				int lo = Character.digit(raw.charAt(i + 2), 16);
				if (hi < 0 || lo < 0) {
					throw ApiException.badRequest("invalid percent-encoding in path");
				}
				out.write((hi << 4) | lo);
				i += 2;
			}
			else if (c == '%') {
				throw ApiException.badRequest("invalid percent-encoding in path");
			}
			else {
				out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private static String decodeQuery(String raw) {
		return decodePath(raw.replace('+', ' '));
	}

	/** Compares a bearer token in constant time. */
	static boolean bearerMatches(Request request, String expected) {
		String header = request.header("Authorization");
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || expected.isEmpty()) {
			return false;
		}
		byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
		return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
	}

}
