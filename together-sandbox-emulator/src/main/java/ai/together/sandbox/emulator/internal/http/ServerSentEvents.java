package ai.together.sandbox.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Server-sent events: one JSON object per {@code data:} line, with a periodic keep-alive.
 */
final class ServerSentEvents {

	private ServerSentEvents() {
	}

	static Flux<ByteBuf> frames(Flux<?> events, Duration keepAlive) {
		// Multicast the events, never the buffers: a second subscriber that discards elements would
		// release buffers the first one still has to write.
		Flux<byte[]> frames = events.publish(shared -> Flux.merge(shared.map(ServerSentEvents::frame),
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

}
