package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecTimeoutException;
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
import reactor.util.retry.Retry;
import tools.jackson.databind.JavaType;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSandboxExecs}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSandboxExecs implements ReactiveSandboxExecs {

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

	private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

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
		return this.streams.scoped(Flux.defer(() -> {
			Position position = new Position(lastSequence);
			Flux<ExecOutput> connection = Flux.defer(() -> this.streams.<ExecOutput>unscoped("execs.streamOutput",
					context, outputStreamPath(id, position.last), EXEC_OUTPUT))
				// An idle stream may be a dead connection: reconnect at once, from the last message
				// delivered. This is not counted against the reconnect limit below, so a command
				// that prints nothing for hours is not given up on; each such reconnect has waited
				// a whole idle timeout, so it can never loop fast.
				.retryWhen(Retry.indefinitely().filter(DefaultReactiveSandboxExecs::isIdleTimeout));
			return connection.filter(position::isNew)
				.doOnNext(position::advance)
				// Ending without the exit message is a dropped connection: reconnect.
				.concatWith(Mono.error(PrematureEnd::new))
				.retryWhen(reconnects(context, position))
				.takeUntil(ExecOutput::isExit);
		}));
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
				return collect(exec.id(), started);
			});
			return completion.timeout(timeout, Mono.defer(() -> timedOut(request, createdId.get(), timeout)));
		});
	}

	private Mono<ExecResult> collect(String id, long started) {
		return streamOutput(id, null).reduce(new OutputCollector(), OutputCollector::add).flatMap((collected) -> {
			Integer exitCode = collected.exitCode;
			if (exitCode == null) {
				String why = this.streams.isClosed() ? "the sandbox was closed" : "the output stream ended";
				return Mono.error(new TogetherSandboxException(
						"execs.run " + idContext(id) + ": " + why + " before the command exited"));
			}
			Duration duration = Duration.ofNanos(collected.exitNanos - started);
			return Mono.just(new ExecResult(id, exitCode, collected.stdout.toString(), collected.stderr.toString(),
					duration));
		});
	}

	private Mono<ExecResult> timedOut(ExecRequest request, @Nullable String id, Duration timeout) {
		String subject = (id != null) ? "exec " + Repr.quote(id) + " (" + Repr.quote(request.command()) + ")"
				: Repr.quote(request.command());
		ExecTimeoutException error = new ExecTimeoutException("execs.run: " + subject + " did not exit within "
				+ timeout + ((id != null) ? "; the exec was deleted" : "; the exec had not been created yet"), id,
				timeout);
		if (id == null) {
			return Mono.error(error);
		}
		// Kill the process rather than leave it running unobserved; keep a failure to do so.
		return delete(id).onErrorResume((deleteError) -> {
			error.addSuppressed(deleteError);
			return Mono.empty();
		}).then(Mono.error(error));
	}

	private Mono<ExecItem> sendInput(String operation, String id, String type, String input) {
		ApiCall call = this.agent.call(operation, idContext(id), HttpMethod.POST, execPath(id) + "/io")
			.withJson(Map.of("type", type, "input", input));
		return this.agent.transport().call(call, ExecItem.class);
	}

	private static Retry reconnects(String context, Position position) {
		return Retry.backoff(MAX_CONSECUTIVE_RECONNECTS, FIRST_RECONNECT_DELAY)
			.maxBackoff(MAX_RECONNECT_DELAY)
			// Count only reconnects in a row: receiving a message resets the budget.
			.transientErrors(true)
			.filter(DefaultReactiveSandboxExecs::isDroppedConnection)
			.onRetryExhaustedThrow((spec, signal) -> new TogetherSandboxException("execs.streamOutput " + context
					+ ": the connection dropped and " + MAX_CONSECUTIVE_RECONNECTS
					+ " reconnects in a row brought no new output (last sequence delivered: " + position.last
					+ "); last failure: " + signal.failure().getMessage(),
					signal.failure()));
	}

	private static boolean isIdleTimeout(Throwable error) {
		// Streams have no response timeout: a timeout on one is its idle timeout.
		return error instanceof HttpException http && http.isTransportFailure()
				&& http.getCause() instanceof TimeoutException;
	}

	private static boolean isDroppedConnection(Throwable error) {
		return error instanceof PrematureEnd
				|| (error instanceof HttpException http && http.isTransportFailure());
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

	/** Where an output stream is: the last sequence number delivered. */
	private static final class Position {

		private volatile @Nullable Integer last;

		Position(@Nullable Integer start) {
			this.last = start;
		}

		boolean isNew(ExecOutput output) {
			Integer current = this.last;
			return current == null || output.sequence() > current;
		}

		void advance(ExecOutput output) {
			this.last = output.sequence();
		}

	}

	/** The server ended an output stream before the exit message. */
	private static final class PrematureEnd extends TogetherSandboxException {

		private static final long serialVersionUID = 1L;

		PrematureEnd() {
			super("the server ended the output stream before the exit message");
		}

	}

	/** Accumulates the output of {@code run}. */
	private static final class OutputCollector {

		private final StringBuilder stdout = new StringBuilder();

		private final StringBuilder stderr = new StringBuilder();

		private @Nullable Integer exitCode;

		private long exitNanos;

		OutputCollector add(ExecOutput output) {
			(ExecOutputType.STDERR.equals(output.type()) ? this.stderr : this.stdout).append(output.output());
			if (output.exitCode() != null) {
				this.exitCode = output.exitCode();
				this.exitNanos = System.nanoTime();
			}
			return this;
		}

	}

	/** The API's {@code ExecListResponse}. */
	record ExecList(@JsonProperty("execs") @Nullable List<ExecItem> execs) {

		List<ExecItem> items() {
			return (this.execs != null) ? this.execs : List.of();
		}

	}

}
