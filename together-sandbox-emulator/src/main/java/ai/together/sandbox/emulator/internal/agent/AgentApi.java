package ai.together.sandbox.emulator.internal.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import ai.together.sandbox.emulator.internal.exec.ProcessIsolation;
import ai.together.sandbox.emulator.internal.exec.OutputBudget;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Auth;
import ai.together.sandbox.emulator.internal.http.Bodies;
import ai.together.sandbox.emulator.internal.http.ErrorStyle;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.http.RouteTable.Handler;
import ai.together.sandbox.emulator.internal.http.RouteTable;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The agent API of each sandbox, served under {@link #MOUNT}. Requests need the sandbox's current
 * agent token; a sandbox that is not running answers 503. A sandbox's agent speaks the exec
 * dialect of the generation that created the sandbox ({@link CurrentDialect}).
 */
public final class AgentApi {

	/** Where the agent API of each sandbox is mounted. */
	public static final String MOUNT = "/sandboxes/{sandbox}/agent";

	private final SandboxRegistry sandboxes;

	private final FileHandlers files;

	private final long maxJsonBytes;

	private final OutputBudget outputBudget;

	private final Duration portPollInterval;

	private final ProcessIsolation isolation;

	/**
	 * Creates the API.
	 * @param sandboxes the sandboxes
	 * @param maxJsonBytes the largest JSON request body
	 * @param maxUploadBytes the largest file upload
	 * @param maxFileBytes the largest file read or written
	 * @param outputBudget the limits of the output execs keep
	 * @param uploadDirectory where uploads are received before they are moved into place
	 * @param portPollInterval how often the port stream looks for listening ports
	 * @param isolation how execs run
	 */
	public AgentApi(SandboxRegistry sandboxes, long maxJsonBytes, long maxUploadBytes, long maxFileBytes,
			OutputBudget outputBudget, Path uploadDirectory, Duration portPollInterval, ProcessIsolation isolation) {
		this.isolation = isolation;
		this.sandboxes = sandboxes;
		this.files = new FileHandlers(maxUploadBytes, maxFileBytes, uploadDirectory);
		this.outputBudget = outputBudget;
		this.maxJsonBytes = maxJsonBytes;
		this.portPollInterval = portPollInterval;
	}

	/**
	 * Returns the agent URL of a sandbox.
	 * @param origin the origin of the emulator
	 * @param sandboxId the sandbox id
	 * @return the URL
	 */
	public static String agentUrl(String origin, String sandboxId) {
		return origin + MOUNT.replace("{sandbox}", sandboxId);
	}

	/**
	 * Returns the route table of the agent API: the wire paths of PROTOCOL.md §3. A file or
	 * directory path is one percent-encoded segment or several raw ones, hence rest parameters; the
	 * SDK appends a watched path unencoded, so {@code watcher//src} watches the absolute {@code /src}.
	 * @return the routes
	 */
	public RouteTable<AgentCall> routes() {
		return RouteTable.<AgentCall>mount(MOUNT, ErrorStyle.AGENT, this::admit)
			.get("/api/v1/files/{path*}", this.files::read)
			.postStreamed("/api/v1/files/{path*}", this.files::upload)
			.patch("/api/v1/files/{path*}", jsonBody(200, FileHandlers::moveOrCopy))
			.delete("/api/v1/files/{path*}", json(200, call -> call.files().delete(call.vmPath(), false)))
			.get("/api/v1/file_stat/{path*}", json(200, call -> call.files().stat(call.vmPath())))
			.get("/api/v1/directories/{path*}", json(200, call -> call.files().list(call.vmPath())))
			.post("/api/v1/directories/{path*}", json(201, call -> call.files().createDirectory(call.vmPath())))
			.delete("/api/v1/directories/{path*}", json(200, call -> call.files().delete(call.vmPath(), true)))
			.get("/api/v1/stream/directories/watcher/{path+}", FileHandlers::watch)
			.get("/api/v1/execs", jsonNow(200, call -> Map.of("execs", call.execs().list())))
			.post("/api/v1/execs", jsonBody(201, (call, body) -> ExecHandlers.create(call, body, this.isolation, this.outputBudget)))
			.get("/api/v1/execs/{exec}", jsonNow(200, call -> call.exec().toJson()))
			.put("/api/v1/execs/{exec}", CurrentDialect.seedOnly(jsonBody(200, ExecHandlers::start)))
			.post("/api/v1/execs/{exec}/start", CurrentDialect.currentOnly(jsonBody(200, CurrentDialect::start)))
			.delete("/api/v1/execs/{exec}", json(200, call -> call.execs().delete(call.exec())))
			.get("/api/v1/execs/{exec}/io", jsonNow(200, call -> call.exec().output().messages(call.request().longParam("lastSequence"))))
			.post("/api/v1/execs/{exec}/io", jsonBody(200, ExecHandlers::input))
			.get("/api/v1/stream/execs", ExecHandlers::streamList)
			.get("/api/v1/stream/execs/{exec}/io", ExecHandlers::streamOutput)
			.get("/api/v1/ports", json(200, call -> Map.of("ports", PortScanner.scan(call.execs().pids()))))
			.get("/api/v1/stream/ports", this::streamPorts)
			.get("/api/v1/tasks", jsonNow(200, call -> Map.of("tasks", List.of())))
			.get("/api/v1/setup-tasks", jsonNow(200, call -> Map.of("setupTasks", List.of())))
			.any("/api/v1/tasks/{task+}", call -> Mono.error(ApiException.notFound("tasks are not emulated")))
			.build();
	}

	/**
	 * A JSON reply of blocking work (file system, processes, /proc), run off the event loop on the
	 * sandbox's own threads.
	 */
	private static Handler<AgentCall> json(int status, Function<AgentCall, Object> work) {
		return call -> call.sandbox().blocking().run(() -> Reply.json(status, work.apply(call)));
	}

	/** A JSON reply of quick work on in-memory state, on the event loop. */
	private static Handler<AgentCall> jsonNow(int status, Function<AgentCall, Object> work) {
		return call -> Mono.fromSupplier(() -> Reply.json(status, work.apply(call)));
	}

	/** A JSON reply of blocking work on the JSON object body (an empty body is an empty object). */
	private Handler<AgentCall> jsonBody(int status, BiFunction<AgentCall, Map<String, Object>, Object> work) {
		return call -> Bodies.jsonObject(call.request(), this.maxJsonBytes)
			.flatMap(body -> call.sandbox().blocking().run(() -> Reply.json(status, work.apply(call, body))));
	}

	/** Admits a request with the current agent token of a running sandbox. */
	private AgentCall admit(Request request) {
		String id = request.pathParam("sandbox");
		SandboxInstance sandbox = this.sandboxes.find(id);
		if (sandbox == null) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		SandboxInstance.View view = sandbox.view();
		String token = view.agentToken();
		if (!Auth.bearerMatches(request, token) && !Auth.tokenMatches(request.queryParam("token"), token)) {
			throw new ApiException(401, "missing or invalid agent token");
		}
		String status = view.record().status();
		if (!"running".equals(status)) {
			throw new ApiException(503, "sandbox " + id + " is not running (status " + status + ")");
		}
		return new AgentCall(sandbox, request);
	}

	private Mono<Reply> streamPorts(AgentCall call) {
		Flux<Object> ports = Flux.interval(Duration.ZERO, this.portPollInterval)
			.onBackpressureDrop()
			.publishOn(Schedulers.boundedElastic(), 1)
			.map(i -> PortScanner.scan(call.execs().pids()))
			.distinctUntilChanged()
			.map(list -> Map.of("ports", list));
		return Mono.just(Reply.sse(ports));
	}

}
