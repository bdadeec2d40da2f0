package ai.together.sandbox.emulator.internal.http;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A reply: a JSON body, an empty body, a JSON body streamed in chunks, or a server-sent event
 * stream.
 *
 * @param status the HTTP status
 * @param body the JSON body, or {@code null}
 * @param events the events of a stream, or {@code null}
 * @param chunks the chunks of a streamed JSON body, or {@code null}
 */
public record Reply(int status, byte @Nullable [] body, @Nullable Flux<?> events, @Nullable Flux<byte[]> chunks) {

	/**
	 * A reply that is not streamed in chunks.
	 * @param status the HTTP status
	 * @param body the JSON body, or {@code null}
	 * @param events the events of a stream, or {@code null}
	 */
	public Reply(int status, byte @Nullable [] body, @Nullable Flux<?> events) {
		this(status, body, events, null);
	}

	/**
	 * A JSON reply.
	 * @param status the status
	 * @param body what is serialised as the body
	 * @return the reply
	 */
	public static Reply json(int status, Object body) {
		return new Reply(status, Json.write(body), null);
	}

	/**
	 * A reply without body.
	 * @param status the status
	 * @return the reply
	 */
	public static Reply empty(int status) {
		return new Reply(status, null, null);
	}

	/**
	 * A server-sent event stream, each event serialised as JSON.
	 * @param events the events
	 * @return the reply
	 */
	public static Reply sse(Flux<?> events) {
		return new Reply(200, null, events);
	}

	/**
	 * A JSON reply written chunk by chunk as the client reads it: the next chunk is only asked
	 * for once the earlier ones are (nearly all) written.
	 * @param status the status
	 * @param chunks the chunks of the JSON body
	 * @return the reply
	 */
	public static Reply jsonChunks(int status, Flux<byte[]> chunks) {
		return new Reply(status, null, null, chunks);
	}

	/**
	 * Runs blocking work (file system, processes) off the event loop.
	 * @param work the work that makes the reply
	 * @return the reply, later
	 */
	public static Mono<Reply> blocking(Callable<Reply> work) {
		return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
	}

}
