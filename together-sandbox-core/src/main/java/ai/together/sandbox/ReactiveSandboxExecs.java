package ai.together.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecTimeoutException;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.execs.ExecRun;
import ai.together.sandbox.internal.execs.OutputResume;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * Commands ("execs") of a connected sandbox, in the reactive style: {@code sandbox.execs()}.
 * Nothing is sent until a returned publisher is subscribed to. Every non-streaming call is
 * retried according to the client's {@code RetryConfig}, under the operation names
 * {@code execs.list}, {@code execs.create}, {@code execs.get}, {@code execs.resume},
 * {@code execs.delete}, {@code execs.getOutput}, {@code execs.sendStdin} and
 * {@code execs.resize}. Streams are never retried and have no timeout; cancelling one closes its
 * connection. {@link #streamOutput(String, Integer)} resumes after a dropped connection.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxExecs {

	/** How many times in a row {@code streamOutput} reconnects without receiving new output. */
	public static final int MAX_CONSECUTIVE_RECONNECTS = OutputResume.MAX_CONSECUTIVE_RECONNECTS;

	/** Timeout of {@link #run(ExecRequest)}. */
	public static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofMinutes(10);

	private static final Json.LazyType EXEC_OUTPUT = Json.type(ExecOutput.class);

	private static final Json.LazyType EXEC_OUTPUT_LIST = Json.listOf(ExecOutput.class);

	private static final Json.LazyType EXEC_LIST = Json.type(ExecList.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	ReactiveSandboxExecs(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
	}

	/**
	 * Lists the execs of the sandbox.
	 * @return the execs
	 */
	public Flux<ExecItem> list() {
		ApiCall call = this.agent.call("execs.list", null, HttpMethod.GET, "/api/v1/execs");
		return this.agent.transport().call(call, ExecList.class).flatMapIterable(ExecList::items);
	}

	/**
	 * Creates an exec: runs a command (unless {@link ExecRequest#autorun()} is {@code false}).
	 * Only the request's fields that are set are sent. On a sandbox of the current generation
	 * ({@code sdk.current()}), {@code autorun} is sent as {@code autostart} and {@code uid}/{@code gid}
	 * as {@code user}.
	 * @param request what to run
	 * @return the exec
	 * @throws IllegalArgumentException when the request sets a field this sandbox's agent does not
	 * have: {@code user} on the seed's generation, {@code interactive} on the current one
	 */
	public Mono<ExecItem> create(ExecRequest request) {
		Args.notNull(request, "request");
		// The sandbox's generation decides the wire form (autorun or autostart, uid/gid or user).
		ApiCall call = this.agent.call("execs.create", null, HttpMethod.POST, "/api/v1/execs")
			.withJson(this.agent.dialect().execBody(request));
		return this.agent.transport().call(call, ExecItem.class);
	}

	/**
	 * Gets an exec.
	 * @param id the exec id
	 * @return the exec
	 */
	public Mono<ExecItem> get(String id) {
		Args.id(id, "id");
		return this.agent.transport()
			.call(this.agent.call("execs.get", idContext(id), HttpMethod.GET, execPath(id)), ExecItem.class);
	}

	/**
	 * Starts a stopped exec (one created with {@code autorun(false)}): on the seed's generation
	 * by setting its status to {@code running} ({@code PUT /api/v1/execs/{id}}), on the current
	 * one with {@code POST /api/v1/execs/{id}/start}.
	 * @param id the exec id
	 * @return the exec
	 */
	public Mono<ExecItem> resume(String id) {
		Args.id(id, "id");
		return this.agent.transport().call(this.agent.dialect().startCall(this.agent, id), ExecItem.class);
	}

	/**
	 * Starts an exec created with {@code autorun(false)}: the same call as {@link #resume(String)},
	 * under the current generation's name. On the current generation it is
	 * {@code POST /api/v1/execs/{id}/start}, which answers the exec when it started or already
	 * runs, and fails with an {@link HttpException} of status 409 once it has exited or stopped.
	 * @param id the exec id
	 * @return the exec
	 */
	public Mono<ExecItem> start(String id) {
		return resume(id);
	}

	/**
	 * Deletes an exec, killing its process if it still runs.
	 * @param id the exec id
	 * @return completion
	 */
	public Mono<Void> delete(String id) {
		Args.id(id, "id");
		return this.agent.transport()
			.call(this.agent.call("execs.delete", idContext(id), HttpMethod.DELETE, execPath(id)));
	}

	/**
	 * Returns the output an exec has produced so far, in one request.
	 * @param id the exec id
	 * @return the output messages
	 */
	public Flux<ExecOutput> getOutput(String id) {
		return getOutput(id, null);
	}

	/**
	 * Returns the output an exec has produced after a sequence number, in one request.
	 * @param id the exec id
	 * @param lastSequence return only messages after this sequence number, or {@code null} for
	 * all (the API documents a negative value as counting back from the end)
	 * @return the output messages
	 */
	public Flux<ExecOutput> getOutput(String id, @Nullable Integer lastSequence) {
		Args.id(id, "id");
		ApiCall call = this.agent.call("execs.getOutput", idContext(id), HttpMethod.GET,
				execPath(id) + "/io" + lastSequenceQuery(lastSequence));
		return this.agent.transport()
			.call(call, (status, body) -> Json.<List<ExecOutput>>read(body, EXEC_OUTPUT_LIST))
			.flatMapIterable((output) -> output);
	}

	/**
	 * Streams an exec's output from its beginning; see {@link #streamOutput(String, Integer)}.
	 * @param id the exec id
	 * @return the output messages, ending with the exit message
	 */
	public Flux<ExecOutput> streamOutput(String id) {
		return streamOutput(id, null);
	}

	/**
	 * Streams an exec's output over server-sent events: the messages after {@code lastSequence}
	 * that the agent has buffered, then live ones. The stream completes right after the message
	 * carrying the exit code (or when cancelled, or when the sandbox is closed).
	 * <p>
	 * When the connection drops (a transport failure, or the server ending the stream before the
	 * exit message) the stream reconnects with {@code lastSequence} set to the last message it
	 * delivered, so the subscriber sees every message exactly once: no duplicate, no gap. After
	 * {@value #MAX_CONSECUTIVE_RECONNECTS} reconnects in a row that bring no new message (with a
	 * short growing pause between them) it fails with a {@link TogetherSandboxException}. A stream
	 * that receives nothing, not even a keep-alive, for the client's {@code streamIdleTimeout}
	 * reconnects the same way, without counting against that limit. An error
	 * status fails it at once with an {@link HttpException}; a malformed event with a
	 * {@link TogetherSandboxException}.
	 * @param id the exec id (sent in the path as is, only characters a URL cannot hold are
	 * percent-encoded)
	 * @param lastSequence start after this sequence number, or {@code null} for the beginning
	 * @return the output messages, ending with the exit message
	 */
	public Flux<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence) {
		Args.id(id, "id");
		String context = idContext(id);
		// The Python SDK pastes the id in raw; only characters a URL cannot hold are encoded here.
		return this.streams.scoped(OutputResume.stream(context, lastSequence,
				(last) -> this.streams.<ExecOutput>unscoped("execs.streamOutput", context,
						"/api/v1/stream/execs/" + PathEncoder.path(id) + "/io" + lastSequenceQuery(last),
						EXEC_OUTPUT.get())));
	}

	/**
	 * Sends input to an exec: on the seed's generation an interactive one, on the current one any
	 * exec.
	 * @param id the exec id
	 * @param data the input, sent as is (add {@code \n} to end a line)
	 * @return the exec
	 */
	public Mono<ExecItem> sendStdin(String id, String data) {
		Args.id(id, "id");
		Args.notNull(data, "data");
		return sendInput("execs.sendStdin", id, "stdin", data);
	}

	/**
	 * Resizes the pseudo-terminal of a PTY exec; sent as {@code "<cols>x<rows>"}, the format of
	 * the Python SDK, which that SDK itself marks as unverified.
	 * @param id the exec id
	 * @param cols the number of columns (positive)
	 * @param rows the number of rows (positive)
	 * @return the exec
	 */
	public Mono<ExecItem> resize(String id, int cols, int rows) {
		Args.id(id, "id");
		Args.positive(cols, "cols");
		Args.positive(rows, "rows");
		return sendInput("execs.resize", id, "resize", cols + "x" + rows);
	}

	/**
	 * Streams the list of execs over server-sent events: the whole list on connect, then again
	 * after each change. Runs until cancelled, until the server closes it, or until the sandbox is
	 * closed; not retried.
	 * @return each version of the list
	 */
	public Flux<List<ExecItem>> streamList() {
		return this.streams.<ExecList>open("execs.streamList", null, "/api/v1/stream/execs", EXEC_LIST.get())
			.map(ExecList::items);
	}

	/**
	 * Runs a command to completion with a timeout of 10 minutes; see
	 * {@link #run(ExecRequest, Duration)}.
	 * @param request what to run
	 * @return the exit code and output
	 */
	public Mono<ExecResult> run(ExecRequest request) {
		return run(request, DEFAULT_RUN_TIMEOUT);
	}

	/**
	 * Runs a command to completion: creates the exec, streams its output (resuming after dropped
	 * connections) until the exit message, and returns the exit code, the whole standard output
	 * and error, and the duration. A non-zero exit code is a normal result, not an error.
	 * <p>
	 * When the command has not exited within {@code timeout} (counted from subscription), the
	 * exec is deleted, which kills its process, and the result is an
	 * {@link ExecTimeoutException}. The output is held in memory: use {@code create} and
	 * {@link #streamOutput} for commands that print a lot.
	 * @param request what to run; {@code autorun} must not be {@code false}
	 * @param timeout how long to wait for the exit, for the whole operation
	 * @return the exit code and output
	 */
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
		// Fields this sandbox's agent does not have fail here, when called, like create's.
		this.agent.dialect().execBody(request);
		return ExecRun.run(request, timeout, this::create, this::streamOutput, this::delete, this.streams::isClosed);
	}

	private Mono<ExecItem> sendInput(String operation, String id, String type, String input) {
		ApiCall call = this.agent.call(operation, idContext(id), HttpMethod.POST, execPath(id) + "/io")
			.withJson(Map.of("type", type, "input", input));
		return this.agent.transport().call(call, ExecItem.class);
	}

	private static String execPath(String id) {
		return "/api/v1/execs/" + PathEncoder.segment(id);
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
