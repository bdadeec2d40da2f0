package ai.together.sandbox.emulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ai.together.sandbox.emulator.internal.Http.Reply;
import ai.together.sandbox.emulator.internal.Http.Request;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The HTTP server: one port for the management API ({@code /api/v1}), every sandbox's agent API
 * ({@code /sandboxes/<id>/agent}) and the image builder ({@code /builds}). Routing uses the raw
 * request path so that {@code %2F} inside a path parameter is never taken for a separator.
 */
public final class EmulatorServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmulatorServer.class);

	private final EmulatorState state;

	private final DisposableServer server;

	private final String baseUrl;

	private final ManagementApi management;

	private final AgentApi agent;

	private final BuilderApi builder;

	private final Duration keepAlive = Duration.ofSeconds(15);

	private final long maxJsonBytes;

	private final LoopResources loops;

	/**
	 * Starts a server.
	 * @param bindAddress the address to listen on
	 * @param port the port, 0 for a free one
	 * @param apiKey the management API key
	 * @param dataDirectory where sandboxes and metadata are kept
	 * @param maxJsonBytes the largest JSON request body accepted
	 * @param maxUploadBytes the largest file upload or build context accepted
	 * @param transitionDelay how long starting and stopping take
	 */
	public EmulatorServer(String bindAddress, int port, String apiKey, Path dataDirectory, long maxJsonBytes,
			long maxUploadBytes, Duration transitionDelay) throws IOException {
		Files.createDirectories(dataDirectory.resolve("sandboxes"));
		Files.createDirectories(dataDirectory.resolve("tmp"));
		this.maxJsonBytes = maxJsonBytes;
		this.state = new EmulatorState(dataDirectory, transitionDelay, Duration.ofSeconds(60));
		// Own event loops, not Reactor Netty's global ones: a Spring context in the same JVM
		// disposes the global loops when it closes (ReactorResourceFactory), which would take the
		// emulator down with it.
		this.loops = LoopResources.create("together-sandbox-emulator", 1,
				Math.max(2, Runtime.getRuntime().availableProcessors()), true);
		try {
			this.server = HttpServer.create()
				.runOn(this.loops)
				.host(bindAddress)
				.port(port)
				.httpRequestDecoder(spec -> spec.maxInitialLineLength(64 * 1024))
				// Requests the decoder rejects (too long, malformed) get a JSON error too.
				.doOnChannelInit((observer, channel, remote) -> channel.pipeline()
					.addAfter(reactor.netty.NettyPipeline.HttpCodec, "emulator.decodingFailures",
							new DecodingFailureResponder()))
				.handle(this::handle)
				.bindNow(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			this.loops.disposeLater().block(Duration.ofSeconds(5));
			this.state.close();
			throw ex;
		}
		String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
		if (bindAddress.equals("0.0.0.0") || bindAddress.equals("::")) {
			host = "127.0.0.1";
		}
		this.baseUrl = "http://" + host + ":" + this.server.port();
		this.management = new ManagementApi(this.state, apiKey, this.baseUrl, maxJsonBytes);
		this.agent = new AgentApi(this.state, maxJsonBytes, maxUploadBytes, Duration.ofMillis(250));
		this.builder = new BuilderApi(this.state, this.management, maxUploadBytes);
	}

	/**
	 * Returns the origin of the server, without {@code /api/v1}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	private Mono<Void> handle(HttpServerRequest nettyRequest, HttpServerResponse response) {
		boolean agentRequest = nettyRequest.uri().startsWith(AgentApi.PREFIX);
		Request request;
		try {
			request = Request.of(nettyRequest);
		}
		catch (RuntimeException ex) {
			return write(errorReply(ex, agentRequest, nettyRequest), response);
		}
		// Every request is read completely before it is answered (uploads stream to disk first):
		// answering a keep-alive request whose body is still arriving can stall the connection's
		// next request.
		boolean streamed = AgentApi.isUpload(request) || (request.method().equals("POST") && request.path().equals("/builds"));
		Mono<Reply> reply = streamed ? Mono.defer(() -> route(request))
				: Http.body(request, this.maxJsonBytes).flatMap(body -> route(request.withBody(body)));
		return reply
			.onErrorResume(ex -> Mono.defer(() -> request.consumed().get() ? Mono.<Void>empty() : Http.drain(request))
				.then(Mono.fromSupplier(() -> errorReply(ex, agentRequest, nettyRequest))))
			.flatMap(r -> write(r, response));
	}

	private Mono<Reply> route(Request request) {
		String path = request.path();
		if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
			return this.management.handle(request);
		}
		if (path.startsWith(AgentApi.PREFIX)) {
			return this.agent.handle(request);
		}
		if (path.equals("/builds") || path.startsWith("/builds/")) {
			return this.builder.handle(request);
		}
		return Mono.error(ApiException.notFound("no such endpoint: " + path));
	}

	private static Reply errorReply(Throwable ex, boolean agentRequest, HttpServerRequest request) {
		int status;
		String message;
		if (ex instanceof ApiException api) {
			status = api.status();
			message = api.getMessage();
		}
		else {
			status = 500;
			message = "internal error: " + ex.getClass().getSimpleName()
					+ (ex.getMessage() != null ? ": " + ex.getMessage() : "");
			logger.warn("Request " + request.method() + " " + request.path() + " failed", ex);
		}
		Map<String, Object> body = agentRequest ? AgentApi.error(status, message) : ManagementApi.error(status, message);
		return Reply.json(status, body);
	}

	private Mono<Void> write(Reply reply, HttpServerResponse response) {
		response.status(reply.status());
		if (reply.events() != null) {
			return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
				.send(Http.sseFrames(reply.events(), this.keepAlive))
				.then();
		}
		if (reply.body() == null) {
			return response.send().then();
		}
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendByteArray(Mono.just(reply.body()))
			.then();
	}

	@Override
	public void close() {
		try {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			logger.debug("The HTTP server did not stop cleanly: " + ex.getMessage());
		}
		this.state.close();
		try {
			this.loops.disposeLater().block(Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			logger.debug("The event loops did not stop cleanly: " + ex.getMessage());
		}
	}

}
