package ai.together.sandbox.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Server-sent events: one JSON object per {@code data:} line, with a periodic keep-alive.
 */
final class ServerSentEvents {

	private ServerSentEvents() {
	}

	static Flux<byte[]> frames(Flux<?> events, Duration keepAlive) {
		// Multicast the events, never the buffers: a second subscriber that discards elements would
		// release buffers the first one still has to write. Small prefetches: whatever a slow
		// client has not read waits in the source (an exec's output log), not in queues here.
		return events.publish(shared -> Flux.merge(2, shared.map(ServerSentEvents::frame),
				Flux.interval(keepAlive)
					// A client that reads nothing has no use for a backlog of keep-alives.
					.onBackpressureDrop()
					.map(i -> ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII))
					.takeUntilOther(shared.then(Mono.just(true)).onErrorReturn(true))), 2);
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
