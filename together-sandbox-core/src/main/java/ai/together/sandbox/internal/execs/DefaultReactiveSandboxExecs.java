package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ReactiveSandboxExecs;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JavaType;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSandboxExecs}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSandboxExecs implements ReactiveSandboxExecs {

	private static final JavaType EXEC_OUTPUT = Json.mapper().constructType(ExecOutput.class);

	private static final JavaType EXEC_OUTPUT_LIST = Json.mapper()
		.getTypeFactory()
		.constructCollectionType(List.class, ExecOutput.class);

	private static final JavaType EXEC_LIST = Json.mapper().constructType(ExecList.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	/**
	 * Creates the namespace; applications get it from the sandbox.
	 * @param agent the sandbox's agent connection
	 * @param streams the sandbox's streams
	 */
	public DefaultReactiveSandboxExecs(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
	}

	@Override
	public Flux<ExecItem> list() {
		ApiCall call = this.agent.call("execs.list", null, HttpMethod.GET, "/api/v1/execs");
		return this.agent.transport().call(call, ExecList.class).flatMapIterable(ExecList::items);
	}

	@Override
	public Mono<ExecItem> create(ExecRequest request) {
		Args.notNull(request, "request");
		ApiCall call = this.agent.call("execs.create", null, HttpMethod.POST, "/api/v1/execs").withJson(request);
		return this.agent.transport().call(call, ExecItem.class);
	}

	@Override
	public Mono<ExecItem> get(String id) {
		Args.id(id, "id");
		return this.agent.transport()
			.call(this.agent.call("execs.get", idContext(id), HttpMethod.GET, execPath(id)), ExecItem.class);
	}

	@Override
	public Mono<ExecItem> resume(String id) {
		Args.id(id, "id");
		ApiCall call = this.agent.call("execs.resume", idContext(id), HttpMethod.PUT, execPath(id))
			.withJson(Map.of("status", "running"));
		return this.agent.transport().call(call, ExecItem.class);
	}

	@Override
	public Mono<Void> delete(String id) {
		Args.id(id, "id");
		return this.agent.transport()
			.call(this.agent.call("execs.delete", idContext(id), HttpMethod.DELETE, execPath(id)));
	}

	@Override
	public Flux<ExecOutput> getOutput(String id) {
		return getOutput(id, null);
	}

	@Override
	public Flux<ExecOutput> getOutput(String id, @Nullable Integer lastSequence) {
		Args.id(id, "id");
		ApiCall call = this.agent.call("execs.getOutput", idContext(id), HttpMethod.GET,
				execPath(id) + "/io" + lastSequenceQuery(lastSequence));
		return this.agent.transport()
			.call(call, (status, body) -> Json.<List<ExecOutput>>read(body, EXEC_OUTPUT_LIST))
			.flatMapIterable((output) -> output);
	}

	@Override
	public Flux<ExecOutput> streamOutput(String id) {
		return streamOutput(id, null);
	}

	@Override
	public Flux<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence) {
		Args.id(id, "id");
		String context = idContext(id);
		return this.streams.scoped(Flux.defer(() -> new OutputResume(context, lastSequence)
			.resume((last) -> this.streams.<ExecOutput>unscoped("execs.streamOutput", context,
					outputStreamPath(id, last), EXEC_OUTPUT))));
	}

	@Override
	public Mono<ExecItem> sendStdin(String id, String data) {
		Args.id(id, "id");
		Args.notNull(data, "data");
		return sendInput("execs.sendStdin", id, "stdin", data);
	}

	@Override
	public Mono<ExecItem> resize(String id, int cols, int rows) {
		Args.id(id, "id");
		Args.positive(cols, "cols");
		Args.positive(rows, "rows");
		return sendInput("execs.resize", id, "resize", cols + "x" + rows);
	}

	@Override
	public Flux<List<ExecItem>> streamList() {
		return this.streams.<ExecList>open("execs.streamList", null, "/api/v1/stream/execs", EXEC_LIST)
			.map(ExecList::items);
	}

	@Override
	public Mono<ExecResult> run(ExecRequest request) {
		return run(request, DEFAULT_RUN_TIMEOUT);
	}

	@Override
	public Mono<ExecResult> run(ExecRequest request, Duration timeout) {
		Args.notNull(request, "request");
		Args.notNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
		if (Boolean.FALSE.equals(request.autorun())) {
			throw new IllegalArgumentException(
					"request.autorun must not be false: run() waits for the command to exit");
		}
		return Mono.defer(() -> {
			long started = System.nanoTime();
			AtomicReference<@Nullable String> createdId = new AtomicReference<>();
			Mono<ExecResult> completion = create(request).flatMap((exec) -> {
				createdId.set(exec.id());
				return RunCollector.collect(streamOutput(exec.id(), null), "execs.run " + idContext(exec.id()),
						exec.id(), started, this.streams::isClosed);
			});
			return completion.timeout(timeout,
					Mono.defer(() -> RunTimeout.kill(request, createdId.get(), timeout, this::delete)));
		});
	}

	private Mono<ExecItem> sendInput(String operation, String id, String type, String input) {
		ApiCall call = this.agent.call(operation, idContext(id), HttpMethod.POST, execPath(id) + "/io")
			.withJson(Map.of("type", type, "input", input));
		return this.agent.transport().call(call, ExecItem.class);
	}

	private static String execPath(String id) {
		return "/api/v1/execs/" + PathEncoder.segment(id);
	}

	private static String outputStreamPath(String id, @Nullable Integer lastSequence) {
		// The Python SDK pastes the id in raw; only characters a URL cannot hold are encoded here.
		return "/api/v1/stream/execs/" + PathEncoder.path(id) + "/io" + lastSequenceQuery(lastSequence);
	}

	private static String lastSequenceQuery(@Nullable Integer lastSequence) {
		return (lastSequence != null) ? "?lastSequence=" + lastSequence : "";
	}

	private static String idContext(String id) {
		return Repr.context("id", id);
	}

	/** The API's {@code ExecListResponse}. */
	record ExecList(@JsonProperty("execs") @Nullable List<ExecItem> execs) {

		List<ExecItem> items() {
			return (this.execs != null) ? this.execs : List.of();
		}

	}

}
