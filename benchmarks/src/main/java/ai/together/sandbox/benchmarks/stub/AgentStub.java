package ai.together.sandbox.benchmarks.stub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The smallest server that the client's benchmarked calls need, on 127.0.0.1 only: the two
 * management calls of {@code sandboxes.start} ({@code start}, {@code wait}) and, for every
 * sandbox, the agent calls {@code files.stat} (a fixed {@code FileInfo}), {@code files.create}
 * and {@code files.read} (kept off-heap, answered in Base64 like the emulator) and the exec output
 * stream (server-sent {@code ExecStdout} events of a requested size, then the exit event).
 * <p>
 * Each sandbox's agent is reached either on a port of its own ({@link AgentAddressing#PORTS}: a
 * separate host:port, as distinct agent hosts are in production, so the client keeps one
 * connection pool per sandbox) or under a path prefix of the management port
 * ({@link AgentAddressing#PATHS}: all sandboxes share one host:port and one pool). Several clients
 * can be given agent ports of their own (same handler, same event loop), and the stub counts the
 * connections each client's agents accept and the most open at once (with path prefixes, client
 * 0's agents share the management port, whose connections then count too). It runs on its own event loop so that it
 * does not share threads with the client under test.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class AgentStub implements AutoCloseable {

	/** The management API key the stub accepts. */
	public static final String API_KEY = "bench-api-key";

	/** The agent token of every sandbox. */
	public static final String AGENT_TOKEN = "bench-agent-token";

	/** The file path whose metadata {@code file_stat} returns. */
	public static final String STAT_PATH = "/workspace/src/main.py";

	/** The exact {@code FileInfo} body of {@code file_stat}. */
	public static final String FILE_INFO_JSON = "{\"name\":\"main.py\",\"path\":\"/workspace/src/main.py\","
			+ "\"isDir\":false,\"size\":12345,\"modTime\":\"2026-05-12T10:00:00Z\"}";

	/** Output characters of each exec output event. */
	public static final int OUTPUT_EVENT_CHARS = 4096;

	/** Output events per chunk the stub writes. */
	private static final int EVENTS_PER_CHUNK = 16;

	/** Raw file bytes encoded per Base64 chunk of a file body (a multiple of 3). */
	private static final int BASE64_CHUNK_BYTES = 48 * 1024;

	private static final String EXEC_PREFIX = "out-";

	private static final byte[] FILE_INFO = FILE_INFO_JSON.getBytes(StandardCharsets.UTF_8);

	private static final byte[] EVENT_END = "\"}\n\n".getBytes(StandardCharsets.US_ASCII);

	/** How the agent of each sandbox is addressed. */
	public enum AgentAddressing {

		/** One port per sandbox: {@code http://127.0.0.1:<port>}. */
		PORTS,

		/** A path prefix per sandbox on the management port: {@code http://127.0.0.1:<port>/sandboxes/<id>/agent}. */
		PATHS

	}

	private final LoopResources loops;

	private final DisposableServer management;

	/** The agent servers of each client: one per sandbox (ports) or one in all (path prefixes). */
	private final List<List<DisposableServer>> agents = new ArrayList<>();

	private final AgentAddressing addressing;

	private final int sandboxes;

	private final ConnectionCounter[] counters;

	private final LongAdder requests = new LongAdder();

	private final Map<String, ByteBuf> files = new ConcurrentHashMap<>();

	private final ByteBuf outputPayload;

	private AgentStub(int sandboxes, AgentAddressing addressing, int threads, int clients) {
		this.sandboxes = sandboxes;
		this.addressing = addressing;
		this.loops = LoopResources.create("bench-stub", 1, threads, true);
		this.outputPayload = Unpooled.unreleasableBuffer(
				Unpooled.directBuffer().writeBytes(jsonEscapedOutput().getBytes(StandardCharsets.UTF_8)));
		this.counters = new ConnectionCounter[clients];
		for (int client = 0; client < clients; client++) {
			this.counters[client] = new ConnectionCounter();
			this.agents.add(new ArrayList<>());
		}
		HttpServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(this.loops).handle(this::handle);
		if (addressing == AgentAddressing.PORTS) {
			// Only the agent ports are counted: the management connections are not what is measured.
			this.management = server.bindNow();
			for (int client = 0; client < clients; client++) {
				HttpServer agent = counted(server, this.counters[client]);
				for (int i = 0; i < sandboxes; i++) {
					this.agents.get(client).add(agent.bindNow());
				}
			}
		}
		else {
			// The first client's agents share the management port, as path prefixes do.
			this.management = counted(server, this.counters[0]).bindNow();
			this.agents.get(0).add(this.management);
			for (int client = 1; client < clients; client++) {
				this.agents.get(client).add(counted(server, this.counters[client]).bindNow());
			}
		}
	}

	private static HttpServer counted(HttpServer server, ConnectionCounter counter) {
		// Once per accepted TCP connection (doOnConnection would count every request of a
		// keep-alive connection).
		return server.doOnChannelInit((observer, channel, remoteAddress) -> counter.opened(channel));
	}

	/**
	 * Starts a stub for a number of sandboxes and one client, on a one-thread event loop.
	 * @param sandboxes how many sandboxes ({@code bench000} …) it serves
	 * @param addressing how their agents are addressed
	 * @return the running stub
	 */
	public static AgentStub start(int sandboxes, AgentAddressing addressing) {
		return start(sandboxes, addressing, 1, 1);
	}

	/**
	 * Starts a stub for a number of sandboxes and one client.
	 * @param sandboxes how many sandboxes it serves (1 to 1000)
	 * @param addressing how their agents are addressed
	 * @param threads event-loop threads of the stub
	 * @return the running stub
	 */
	public static AgentStub start(int sandboxes, AgentAddressing addressing, int threads) {
		return start(sandboxes, addressing, threads, 1);
	}

	/**
	 * Starts a stub for a number of sandboxes whose agents are served to several clients, each on
	 * ports of its own (same handler, same event loop), so that the connections of each client
	 * are counted apart. Client 0 is the one the management API points at.
	 * @param sandboxes how many sandboxes it serves (1 to 1000)
	 * @param addressing how their agents are addressed
	 * @param threads event-loop threads of the stub
	 * @param clients how many clients (1 to 4)
	 * @return the running stub
	 */
	public static AgentStub start(int sandboxes, AgentAddressing addressing, int threads, int clients) {
		if (sandboxes < 1 || sandboxes > 1000) {
			throw new IllegalArgumentException("sandboxes must be between 1 and 1000, was " + sandboxes);
		}
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be positive, was " + threads);
		}
		if (clients < 1 || clients > 4) {
			throw new IllegalArgumentException("clients must be between 1 and 4, was " + clients);
		}
		return new AgentStub(sandboxes, addressing, threads, clients);
	}

	/**
	 * Returns the management API origin (the client's base URL).
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.management.port();
	}

	/**
	 * Returns the id of a sandbox.
	 * @param index the sandbox index
	 * @return {@code bench} followed by three digits
	 */
	public static String sandboxId(int index) {
		return String.format("bench%03d", index);
	}

	/**
	 * Returns the agent base URL of a sandbox, as the management API reports it (client 0).
	 * @param index the sandbox index
	 * @return the URL
	 */
	public String agentUrl(int index) {
		return agentUrl(0, index);
	}

	/**
	 * Returns the agent base URL of a sandbox for one client.
	 * @param client the client
	 * @param index the sandbox index
	 * @return the URL
	 */
	public String agentUrl(int client, int index) {
		if (this.addressing == AgentAddressing.PORTS) {
			return "http://127.0.0.1:" + this.agents.get(client).get(index).port();
		}
		return "http://127.0.0.1:" + this.agents.get(client).get(0).port() + "/sandboxes/" + sandboxId(index) + "/agent";
	}

	/**
	 * Returns the agent path of the output stream of an exec that prints a number of bytes.
	 * @param outputBytes the output size, a multiple of {@value #OUTPUT_EVENT_CHARS}
	 * @return the path, starting with {@code /api/v1}
	 */
	public static String outputStreamPath(long outputBytes) {
		return "/api/v1/stream/execs/" + execId(outputBytes) + "/io";
	}

	/**
	 * Returns the id of an exec whose output stream carries a number of bytes.
	 * @param outputBytes the output size, a multiple of {@value #OUTPUT_EVENT_CHARS}
	 * @return the exec id
	 */
	public static String execId(long outputBytes) {
		if (outputBytes <= 0 || outputBytes % OUTPUT_EVENT_CHARS != 0) {
			throw new IllegalArgumentException(
					"outputBytes must be a positive multiple of " + OUTPUT_EVENT_CHARS + ", was " + outputBytes);
		}
		return EXEC_PREFIX + outputBytes;
	}

	/**
	 * Returns the number of agent connections of client 0 accepted since the start.
	 * @return the count
	 */
	public long acceptedConnections() {
		return acceptedConnections(0);
	}

	/**
	 * Returns the number of agent connections of a client accepted since the start.
	 * @param client the client
	 * @return the count
	 */
	public long acceptedConnections(int client) {
		return this.counters[client].accepted.sum();
	}

	/**
	 * Returns the number of agent connections of client 0 open now.
	 * @return the count
	 */
	public int openConnections() {
		return openConnections(0);
	}

	/**
	 * Returns the number of agent connections of a client open now.
	 * @param client the client
	 * @return the count
	 */
	public int openConnections(int client) {
		return this.counters[client].open.get();
	}

	/**
	 * Returns the most agent connections of client 0 open at once since the start or the last reset.
	 * @return the count
	 */
	public int maxOpenConnections() {
		return maxOpenConnections(0);
	}

	/**
	 * Returns the most agent connections of a client open at once since the start or the last reset.
	 * @param client the client
	 * @return the count
	 */
	public int maxOpenConnections(int client) {
		return this.counters[client].maxOpen.get();
	}

	/**
	 * Restarts the counts of {@link #maxOpenConnections(int)} from the connections open now.
	 */
	public void resetMaxOpenConnections() {
		for (ConnectionCounter counter : this.counters) {
			counter.maxOpen.set(counter.open.get());
		}
	}

	/**
	 * Returns the number of requests served since the start.
	 * @return the count
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * Stops every server and releases the stored files.
	 */
	@Override
	public void close() {
		for (List<DisposableServer> servers : this.agents) {
			for (DisposableServer server : servers) {
				if (server != this.management) {
					server.disposeNow();
				}
			}
		}
		this.management.disposeNow();
		this.files.values().forEach(ByteBuf::release);
		this.files.clear();
		// No quiet period: every connection is closed already and nothing is scheduled.
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		this.requests.increment();
		String uri = request.uri();
		int queryStart = uri.indexOf('?');
		String path = (queryStart < 0) ? uri : uri.substring(0, queryStart);
		String query = (queryStart < 0) ? "" : uri.substring(queryStart + 1);
		String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		if (path.startsWith("/api/v1/sandboxes/")) {
			if (!("Bearer " + API_KEY).equals(authorization)) {
				return error(request, response, HttpResponseStatus.UNAUTHORIZED);
			}
			return management(request, response, path.substring("/api/v1/sandboxes/".length()));
		}
		if (path.startsWith("/sandboxes/")) {
			// Path-prefix addressing: /sandboxes/<id>/agent/api/v1/...
			int agent = path.indexOf("/agent/");
			if (agent < 0) {
				return error(request, response, HttpResponseStatus.NOT_FOUND);
			}
			path = path.substring(agent + "/agent".length());
		}
		if (!("Bearer " + AGENT_TOKEN).equals(authorization)) {
			return error(request, response, HttpResponseStatus.UNAUTHORIZED);
		}
		if (path.startsWith("/api/v1/file_stat/")) {
			return request.receive().then(Mono.from(json(response, HttpResponseStatus.OK, Unpooled.wrappedBuffer(FILE_INFO))));
		}
		if (path.startsWith("/api/v1/files/")) {
			String file = path.substring("/api/v1/files/".length());
			if (request.method().name().equals("POST")) {
				return store(request, response, file);
			}
			return load(request, response, file, HttpResponseStatus.OK);
		}
		if (path.startsWith("/api/v1/stream/execs/") && path.endsWith("/io")) {
			String id = path.substring("/api/v1/stream/execs/".length(), path.length() - "/io".length());
			return output(request, response, id, lastSequence(query));
		}
		return error(request, response, HttpResponseStatus.NOT_FOUND);
	}

	private Publisher<Void> management(HttpServerRequest request, HttpServerResponse response, String rest) {
		int slash = rest.indexOf('/');
		if (slash < 0) {
			return error(request, response, HttpResponseStatus.NOT_FOUND);
		}
		String id = rest.substring(0, slash);
		String action = rest.substring(slash + 1);
		int index = sandboxIndex(id);
		if (index < 0 || !(action.equals("start") || action.equals("wait"))) {
			return error(request, response, HttpResponseStatus.NOT_FOUND);
		}
		String status = action.equals("start") ? "starting" : "running";
		byte[] body = sandboxJson(id, status, agentUrl(index)).getBytes(StandardCharsets.UTF_8);
		return request.receive().then(Mono.from(json(response, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body))));
	}

	private int sandboxIndex(String id) {
		if (id.length() != 8 || !id.startsWith("bench")) {
			return -1;
		}
		try {
			int index = Integer.parseInt(id.substring(5));
			return (index < this.sandboxes) ? index : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private Publisher<Void> store(HttpServerRequest request, HttpServerResponse response, String file) {
		// Kept off-heap (direct memory) so that the stub adds nothing to the heap being measured,
		// and copied chunk by chunk as it arrives so that a big file is held once, not twice.
		int declared = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, 64 * 1024);
		ByteBuf body = ByteBufAllocator.DEFAULT.directBuffer(Math.max(0, declared));
		return request.receive()
			.doOnNext(body::writeBytes)
			.then(Mono.fromSupplier(() -> body))
			.doOnError((error) -> body.release())
			.flatMap((stored) -> {
				ByteBuf previous = this.files.put(file, stored);
				if (previous != null) {
					previous.release();
				}
				return Mono.from(load(request, response, file, HttpResponseStatus.CREATED));
			});
	}

	private Publisher<Void> load(HttpServerRequest request, HttpServerResponse response, String file,
			HttpResponseStatus status) {
		ByteBuf stored = this.files.get(file);
		if (stored == null) {
			return error(request, response, HttpResponseStatus.NOT_FOUND);
		}
		// Answer as the emulator does for binary content: {"path":…,"content":<base64>,"encoding":"base64"},
		// encoded chunk by chunk so that the whole body never exists at once.
		ByteBuf content = stored.retainedDuplicate();
		int length = content.readableBytes();
		long base64Length = 4L * ((length + 2) / 3);
		byte[] head = ("{\"path\":\"" + decodedPath(file) + "\",\"content\":\"").getBytes(StandardCharsets.UTF_8);
		byte[] tail = "\",\"encoding\":\"base64\"}".getBytes(StandardCharsets.UTF_8);
		int chunks = (length + BASE64_CHUNK_BYTES - 1) / BASE64_CHUNK_BYTES;
		Flux<ByteBuf> body = Flux.range(0, chunks).map((chunk) -> {
			int from = chunk * BASE64_CHUNK_BYTES;
			int size = Math.min(BASE64_CHUNK_BYTES, length - from);
			ByteBuffer encoded = Base64.getEncoder().encode(content.nioBuffer(content.readerIndex() + from, size));
			return Unpooled.wrappedBuffer(encoded);
		}).doFinally((signal) -> content.release());
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(head.length + base64Length + tail.length))
			.send(Flux.concat(Mono.just(Unpooled.wrappedBuffer(head)), body, Mono.just(Unpooled.wrappedBuffer(tail))));
	}

	private Publisher<Void> output(HttpServerRequest request, HttpServerResponse response, String id,
			int lastSequence) {
		long bytes;
		try {
			bytes = id.startsWith(EXEC_PREFIX) ? Long.parseLong(id.substring(EXEC_PREFIX.length())) : -1;
		}
		catch (NumberFormatException ex) {
			bytes = -1;
		}
		if (bytes <= 0 || bytes % OUTPUT_EVENT_CHARS != 0) {
			return error(request, response, HttpResponseStatus.NOT_FOUND);
		}
		// Sequences 1..events carry output; events + 1 is the exit event.
		int events = (int) (bytes / OUTPUT_EVENT_CHARS);
		int first = Math.max(1, lastSequence + 1);
		int exitSequence = events + 1;
		int chunks = (exitSequence - first + EVENTS_PER_CHUNK) / EVENTS_PER_CHUNK;
		Flux<ByteBuf> body = Flux.range(0, Math.max(0, chunks)).map((chunk) -> {
			int from = first + chunk * EVENTS_PER_CHUNK;
			int to = Math.min(exitSequence, from + EVENTS_PER_CHUNK - 1);
			CompositeByteBuf frame = Unpooled.compositeBuffer(3 * EVENTS_PER_CHUNK);
			for (int sequence = from; sequence <= to; sequence++) {
				if (sequence == exitSequence) {
					frame.addComponent(true, Unpooled.wrappedBuffer(
							("data: {\"type\":\"stdout\",\"output\":\"\",\"sequence\":" + sequence + ",\"exitCode\":0}\n\n")
								.getBytes(StandardCharsets.US_ASCII)));
				}
				else {
					frame.addComponent(true, Unpooled.wrappedBuffer(("data: {\"type\":\"stdout\",\"sequence\":" + sequence
							+ ",\"timestamp\":\"2026-05-12T10:00:00Z\",\"output\":\"").getBytes(StandardCharsets.US_ASCII)));
					frame.addComponent(true, this.outputPayload.duplicate());
					frame.addComponent(true, Unpooled.wrappedBuffer(EVENT_END));
				}
			}
			return (ByteBuf) frame;
		});
		return request.receive()
			.then(Mono.from(response.status(HttpResponseStatus.OK)
				.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
				.send(body)));
	}

	private static int lastSequence(String query) {
		for (String parameter : query.split("&")) {
			if (parameter.startsWith("lastSequence=")) {
				try {
					return Integer.parseInt(parameter.substring("lastSequence=".length()));
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 0;
	}

	private static Publisher<Void> json(HttpServerResponse response, HttpResponseStatus status, ByteBuf body) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()))
			.sendObject(body);
	}

	private static Publisher<Void> error(HttpServerRequest request, HttpServerResponse response,
			HttpResponseStatus status) {
		byte[] body = ("{\"code\":" + status.code() + ",\"message\":\"" + status.reasonPhrase() + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		return request.receive().then(Mono.from(json(response, status, Unpooled.wrappedBuffer(body))));
	}

	/**
	 * The output of one event, JSON-escaped: lines of 63 printable characters and a newline.
	 */
	private static String jsonEscapedOutput() {
		String line = "The quick brown fox jumps over the lazy dog; 0123456789 abcdefgh";
		StringBuilder raw = new StringBuilder(OUTPUT_EVENT_CHARS);
		while (raw.length() < OUTPUT_EVENT_CHARS) {
			raw.append(line, 0, Math.min(63, OUTPUT_EVENT_CHARS - raw.length()));
			if (raw.length() < OUTPUT_EVENT_CHARS) {
				raw.append('\n');
			}
		}
		return raw.toString().replace("\n", "\\n");
	}

	private static String decodedPath(String encoded) {
		return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	/**
	 * A complete management API Sandbox object (all 29 keys).
	 */
	private static String sandboxJson(String id, String status, @Nullable String agentUrl) {
		return "{\"id\":\"" + id + "\",\"project_id\":\"bench\",\"status\":\"" + status + "\",\"ephemeral\":false,"
				+ "\"cluster_name\":\"local\",\"current_version_number\":1,\"next_version_number\":2,"
				+ "\"millicpu\":1000,\"gpu\":0,\"memory_bytes\":2147483648,\"disk_bytes\":10737418240,"
				+ "\"version_count\":1,\"agent_version\":\"1.0.0\",\"agent_type\":\"pint\","
				+ "\"agent_token\":\"" + AGENT_TOKEN + "\",\"agent_url\":\"" + agentUrl + "\","
				+ "\"created_at\":\"2026-05-12T10:00:00Z\",\"start_requested_at\":null,\"start_type\":\"cold_start\","
				+ "\"started_at\":\"2026-05-12T10:00:01Z\",\"stop_requested_at\":null,\"requested_stop_type\":null,"
				+ "\"stopped_at\":null,\"stop_reason\":null,\"specs_updated_at\":null,\"recovery_status\":null,"
				+ "\"recovery_started_at\":null,\"recovery_finished_at\":null,\"updated_at\":\"2026-05-12T10:00:02Z\"}";
	}

	/** The connections one client has opened to the stub's agents. */
	private static final class ConnectionCounter {

		private final LongAdder accepted = new LongAdder();

		private final AtomicInteger open = new AtomicInteger();

		private final AtomicInteger maxOpen = new AtomicInteger();

		void opened(Channel channel) {
			this.accepted.increment();
			int now = this.open.incrementAndGet();
			this.maxOpen.accumulateAndGet(now, Math::max);
			channel.closeFuture().addListener((future) -> this.open.decrementAndGet());
		}

	}

}
