package ai.together.sandbox.emulator.internal.http;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A reply: a JSON body, an empty body, or a server-sent event stream.
 *
 * @param status the HTTP status
 * @param body the JSON body, or {@code null}
 * @param events the events of a stream, or {@code null}
 */
public record Reply(int status, byte @Nullable [] body, @Nullable Flux<?> events) {

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
	 * Runs blocking work (file system, processes) off the event loop.
	 * @param work the work that makes the reply
	 * @return the reply, later
	 */
	public static Mono<Reply> blocking(Callable<Reply> work) {
		return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
	}

}
