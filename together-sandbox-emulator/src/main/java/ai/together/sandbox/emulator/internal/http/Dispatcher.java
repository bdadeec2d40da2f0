package ai.together.sandbox.emulator.internal.http;

import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The Reactor Netty handler: finds the route table and route of a request, reads the body unless
 * the route streams it, runs the guard and the handler, and writes the reply or a JSON error in the
 * style of the API the path belongs to.
 */
public final class Dispatcher {

	private static final Log logger = LogFactory.getLog(Dispatcher.class);

	private final List<RouteTable<?>> tables;

	private final long maxJsonBytes;

	private final Duration keepAlive;

	/**
	 * Creates the dispatcher.
	 * @param tables the route tables, tried in order
	 * @param maxJsonBytes the largest body read before a route that does not stream it
	 * @param keepAlive the interval of keep-alive comments in event streams
	 */
	public Dispatcher(List<RouteTable<?>> tables, long maxJsonBytes, Duration keepAlive) {
		this.tables = List.copyOf(tables);
		this.maxJsonBytes = maxJsonBytes;
		this.keepAlive = keepAlive;
	}

	/**
	 * The style of the error body for a request URI: that of the API it belongs to.
	 * @param uri the raw request URI
	 * @return the style
	 */
	public ErrorStyle errorStyle(String uri) {
		for (RouteTable<?> table : this.tables) {
			if (table.claimsErrorsOf(uri)) {
				return table.errorStyle();
			}
		}
		return ErrorStyle.MANAGEMENT;
	}

	/**
	 * Answers a request.
	 * @param nettyRequest the request
	 * @param response the response
	 * @return completes when the reply is written
	 */
	public Mono<Void> handle(HttpServerRequest nettyRequest, HttpServerResponse response) {
		ErrorStyle style = errorStyle(nettyRequest.uri());
		Request request;
		try {
			request = Request.of(nettyRequest);
		}
		catch (RuntimeException ex) {
			return write(errorReply(ex, style, nettyRequest), response);
		}
		RouteTable<?>.Lookup lookup = lookup(request);
		// Every request is read completely before it is answered (uploads stream to disk first):
		// answering a keep-alive request whose body is still arriving can stall the connection's
		// next request.
		Mono<Reply> reply = lookup != null && lookup.streamsBody() ? Mono.defer(() -> run(lookup, request))
				: Bodies.read(request, this.maxJsonBytes).flatMap(body -> run(lookup, request.withBody(body)));
		return reply
			.onErrorResume(ex -> Mono.defer(() -> request.consumed().get() ? Mono.<Void>empty() : Bodies.drain(request))
				.then(Mono.fromSupplier(() -> errorReply(ex, style, nettyRequest))))
			.flatMap(r -> write(r, response));
	}

	private RouteTable<?>.@Nullable Lookup lookup(Request request) {
		for (RouteTable<?> table : this.tables) {
			RouteTable<?>.Lookup lookup = table.lookup(request);
			if (lookup != null) {
				return lookup;
			}
		}
		return null;
	}

	private static Mono<Reply> run(RouteTable<?>.@Nullable Lookup lookup, Request request) {
		if (lookup == null) {
			return Mono.error(ApiException.notFound("no such endpoint: " + request.path()));
		}
		return lookup.run(request);
	}

	private static Reply errorReply(Throwable ex, ErrorStyle style, HttpServerRequest request) {
		int status;
		String message;
		if (ex instanceof ApiException api) {
			status = api.status();
			message = api.getMessage();
		}
		else {
			status = 500;
			// Only the type: messages (those of java.nio.file above all) may carry host paths.
			message = "internal error: " + ex.getClass().getSimpleName();
			logger.warn("Request " + request.method() + " " + request.path() + " failed", ex);
		}
		return Reply.json(status, style.body(status, message));
	}

	private Mono<Void> write(Reply reply, HttpServerResponse response) {
		response.status(reply.status());
		if (reply.events() != null) {
			return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
				.send(WriteWindow.of(ServerSentEvents.frames(reply.events(), this.keepAlive)))
				.then();
		}
		if (reply.chunks() != null) {
			return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.send(WriteWindow.of(reply.chunks()))
				.then();
		}
		if (reply.body() == null) {
			return response.send().then();
		}
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendByteArray(Mono.just(reply.body()))
			.then();
	}

}
