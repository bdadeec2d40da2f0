package ai.together.sandbox.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Answers and bodies for the handlers of a {@link FakeSandboxServer}: JSON, server-sent events,
 * exec output messages, and streams that never end.
 */
public final class AgentResponses {

	/** The first event of an exec output stream that {@link #endlessStreams()} sends. */
	public static final String FIRST_OUTPUT = "{\"type\":\"stdout\",\"output\":\"x\",\"sequence\":1,"
			+ "\"timestamp\":\"2026-05-12T10:00:00Z\"}";

	private AgentResponses() {
	}

	/**
	 * Sends a JSON answer.
	 * @param response the response
	 * @param status the status
	 * @param json the body
	 * @return completion
	 */
	public static Mono<Void> json(HttpServerResponse response, int status, String json) {
		return json(response, status, json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Sends a JSON answer.
	 * @param response the response
	 * @param status the status
	 * @param json the UTF-8 body
	 * @return completion
	 */
	public static Mono<Void> json(HttpServerResponse response, int status, byte[] json) {
		return response.status(HttpResponseStatus.valueOf(status))
			.header("Content-Type", "application/json")
			.sendByteArray(Mono.just(json))
			.then();
	}

	/**
	 * Sends the agent's 404.
	 * @param response the response
	 * @return completion
	 */
	public static Mono<Void> notFound(HttpServerResponse response) {
		return json(response, 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}");
	}

	/**
	 * Prepares a server-sent-events answer (status 200, {@code text/event-stream}).
	 * @param response the response
	 * @return the response
	 */
	public static HttpServerResponse sse(HttpServerResponse response) {
		return response.status(200).header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache");
	}

	/**
	 * Frames JSON payloads as server-sent events.
	 * @param payloads the payloads
	 * @return the frames
	 */
	public static String events(String... payloads) {
		StringBuilder out = new StringBuilder();
		for (String payload : payloads) {
			out.append("data: ").append(payload).append("\n\n");
		}
		return out.toString();
	}

	/**
	 * An exec output message.
	 * @param sequence the sequence number
	 * @param type stdout or stderr
	 * @param output the text
	 * @param exitCode the exit code, or null
	 * @return the JSON
	 */
	public static String output(int sequence, String type, String output, Integer exitCode) {
		return "{\"type\":\"" + type + "\",\"output\":\"" + output.replace("\n", "\\n") + "\",\"sequence\":"
				+ sequence + ",\"timestamp\":\"2026-05-12T10:00:00Z\""
				+ ((exitCode != null) ? ",\"exitCode\":" + exitCode : "") + "}";
	}

	/**
	 * A stream that sends one event, then a keep-alive comment every 100 ms, forever.
	 * @param response the response
	 * @param firstEventJson the first event's JSON
	 * @return completion (never, unless the connection closes)
	 */
	public static Publisher<Void> endlessStream(HttpServerResponse response, String firstEventJson) {
		return endlessStream(response, firstEventJson, false);
	}

	private static Publisher<Void> endlessStream(HttpServerResponse response, String firstEventJson,
			boolean stalled) {
		Flux<String> rest = stalled ? Flux.never()
				: Flux.interval(Duration.ofMillis(100)).map((tick) -> ": keep-alive\n\n");
		return response.status(200)
			.header("Content-Type", "text/event-stream")
			.sendString(Flux.just("data: " + firstEventJson + "\n\n").concatWith(rest));
	}

	/**
	 * An agent whose streams (exec output, exec list, ports, directory watcher) each send their
	 * first event and then a keep-alive comment every 100 ms forever, whose port list is empty,
	 * and that knows nothing else (404).
	 * @return the handler
	 */
	public static FakeSandboxServer.Handler endlessStreams() {
		return (request, response) -> streamingAgent(request, response, false);
	}

	/**
	 * Like {@link #endlessStreams()}, but after their first event the streams send nothing at
	 * all, not even keep-alives.
	 * @return the handler
	 */
	public static FakeSandboxServer.Handler stalledStreams() {
		return (request, response) -> streamingAgent(request, response, true);
	}

	private static Publisher<Void> streamingAgent(FakeSandboxServer.Request request, HttpServerResponse response,
			boolean stalled) {
		String path = request.path();
		if (path.startsWith("/api/v1/stream/execs/") && path.endsWith("/io")) {
			return endlessStream(response, FIRST_OUTPUT, stalled);
		}
		if (path.startsWith("/api/v1/stream/directories/watcher")) {
			return endlessStream(response, "{\"type\":\"connected\"}", stalled);
		}
		if (path.startsWith("/api/v1/stream/ports")) {
			return endlessStream(response, "{\"ports\":[]}", stalled);
		}
		if (path.startsWith("/api/v1/stream/execs")) {
			return endlessStream(response, "{\"execs\":[]}", stalled);
		}
		if (path.equals("/api/v1/ports")) {
			return json(response, 200, "{\"ports\":[]}");
		}
		return notFound(response);
	}

}
