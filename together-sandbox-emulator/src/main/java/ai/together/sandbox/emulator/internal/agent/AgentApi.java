package ai.together.sandbox.emulator.internal.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Auth;
import ai.together.sandbox.emulator.internal.http.ErrorStyle;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.http.RouteTable;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The agent API of each sandbox, served under {@code /sandboxes/<id>/agent}. Requests need the
 * sandbox's current agent token; a sandbox that is not running answers 503.
 */
public final class AgentApi {

	private final SandboxRegistry sandboxes;

	private final FileHandlers files;

	private final ExecHandlers execs;

	private final Duration portPollInterval;

	/**
	 * Creates the API.
	 * @param sandboxes the sandboxes
	 * @param maxJsonBytes the largest JSON request body
	 * @param maxUploadBytes the largest file upload
	 * @param uploadDirectory where uploads are received before they are moved into place
	 * @param portPollInterval how often the port stream looks for listening ports
	 */
	public AgentApi(SandboxRegistry sandboxes, long maxJsonBytes, long maxUploadBytes, Path uploadDirectory,
			Duration portPollInterval) {
		this.sandboxes = sandboxes;
		this.files = new FileHandlers(maxJsonBytes, maxUploadBytes, uploadDirectory);
		this.execs = new ExecHandlers(maxJsonBytes);
		this.portPollInterval = portPollInterval;
	}

	/**
	 * Returns the route table of the agent API.
	 * @return the routes
	 */
	public RouteTable<AgentCall> routes() {
		return RouteTable.<AgentCall>mount(AgentPaths.MOUNT, ErrorStyle.AGENT, this::admit)
			.get(AgentPaths.FILE, this.files::read)
			.postStreamed(AgentPaths.FILE, this.files::upload)
			.patch(AgentPaths.FILE, this.files::moveOrCopy)
			.delete(AgentPaths.FILE, this.files::deleteFile)
			.get(AgentPaths.FILE_STAT, this.files::stat)
			.get(AgentPaths.DIRECTORY, this.files::list)
			.post(AgentPaths.DIRECTORY, this.files::createDirectory)
			.delete(AgentPaths.DIRECTORY, this.files::deleteDirectory)
			.get(AgentPaths.STREAM_DIRECTORY_WATCHER, this.files::watch)
			.get(AgentPaths.EXECS, this.execs::list)
			.post(AgentPaths.EXECS, this.execs::create)
			.get(AgentPaths.EXEC, this.execs::get)
			.put(AgentPaths.EXEC, this.execs::start)
			.delete(AgentPaths.EXEC, this.execs::delete)
			.get(AgentPaths.EXEC_IO, this.execs::output)
			.post(AgentPaths.EXEC_IO, this.execs::input)
			.get(AgentPaths.STREAM_EXECS, this.execs::streamList)
			.get(AgentPaths.STREAM_EXEC_IO, this.execs::streamOutput)
			.get(AgentPaths.PORTS, this::ports)
			.get(AgentPaths.STREAM_PORTS, this::streamPorts)
			.get(AgentPaths.TASKS, call -> Mono.just(Reply.json(200, Map.of("tasks", List.of()))))
			.get(AgentPaths.SETUP_TASKS, call -> Mono.just(Reply.json(200, Map.of("setupTasks", List.of()))))
			.any(AgentPaths.TASK, call -> Mono.error(ApiException.notFound("tasks are not emulated")))
			.build();
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

	private Mono<Reply> ports(AgentCall call) {
		return Reply.blocking(() -> Reply.json(200, Map.of("ports", PortScanner.scan(call.sandbox().execs().pids()))));
	}

	private Mono<Reply> streamPorts(AgentCall call) {
		Flux<Object> ports = Flux.interval(Duration.ZERO, this.portPollInterval)
			.onBackpressureDrop()
			.publishOn(Schedulers.boundedElastic(), 1)
			.map(i -> PortScanner.scan(call.sandbox().execs().pids()))
			.distinctUntilChanged()
			.map(list -> Map.of("ports", list));
		return Mono.just(Reply.sse(ports));
	}

}
