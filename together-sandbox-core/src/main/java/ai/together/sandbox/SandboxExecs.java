package ai.together.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecTimeoutException;
import ai.together.sandbox.internal.util.Blocking;
import org.jspecify.annotations.Nullable;

/**
 * Commands ("execs") of a connected sandbox, in the blocking style: {@code sandbox.execs()}. The
 * blocking view of {@link ReactiveSandboxExecs}; see there for retries, streams and resumption.
 * <pre>{@code
 * ExecResult result = sandbox.execs().run(ExecRequest.of("sh", "-c", "make test"), Duration.ofMinutes(5));
 * if (!result.isSuccess()) {
 *     System.err.println(result.stderr());
 * }
 * }</pre>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxExecs {

	private final ReactiveSandboxExecs reactive;

	SandboxExecs(ReactiveSandboxExecs reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Lists the execs of the sandbox.
	 * @return the execs
	 */
	public List<ExecItem> list() {
		return Blocking.value(this.reactive.list().collectList());
	}

	/**
	 * Creates an exec: runs a command (unless {@link ExecRequest#autorun()} is {@code false}).
	 * @param request what to run
	 * @return the exec
	 */
	public ExecItem create(ExecRequest request) {
		return Blocking.value(this.reactive.create(request));
	}

	/**
	 * Gets an exec.
	 * @param id the exec id
	 * @return the exec
	 */
	public ExecItem get(String id) {
		return Blocking.value(this.reactive.get(id));
	}

	/**
	 * Starts a stopped exec by setting its status to {@code running}.
	 * @param id the exec id
	 * @return the exec
	 */
	public ExecItem resume(String id) {
		return Blocking.value(this.reactive.resume(id));
	}

	/**
	 * Starts an exec created with {@code autorun(false)}; see {@link ReactiveSandboxExecs#start(String)}.
	 * @param id the exec id
	 * @return the exec
	 */
	public ExecItem start(String id) {
		return Blocking.value(this.reactive.start(id));
	}

	/**
	 * Deletes an exec, killing its process if it still runs.
	 * @param id the exec id
	 */
	public void delete(String id) {
		Blocking.await(this.reactive.delete(id));
	}

	/**
	 * Returns the output an exec has produced so far, in one request.
	 * @param id the exec id
	 * @return the output messages
	 */
	public List<ExecOutput> getOutput(String id) {
		return getOutput(id, null);
	}

	/**
	 * Returns the output an exec has produced after a sequence number, in one request.
	 * @param id the exec id
	 * @param lastSequence return only messages after this sequence number, or {@code null} for all
	 * @return the output messages
	 */
	public List<ExecOutput> getOutput(String id, @Nullable Integer lastSequence) {
		return Blocking.value(this.reactive.getOutput(id, lastSequence).collectList());
	}

	/**
	 * Streams an exec's output from its beginning, resuming after dropped connections.
	 * @param id the exec id
	 * @return the output messages, ending with the exit message; close it when done
	 */
	public StreamResponse<ExecOutput> streamOutput(String id) {
		return streamOutput(id, null);
	}

	/**
	 * Streams an exec's output after a sequence number, resuming after dropped connections; see
	 * {@link ReactiveSandboxExecs#streamOutput(String, Integer)}.
	 * @param id the exec id
	 * @param lastSequence start after this sequence number, or {@code null} for the beginning
	 * @return the output messages, ending with the exit message; close it when done
	 */
	public StreamResponse<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence) {
		return StreamResponse.of(this.reactive.streamOutput(id, lastSequence));
	}

	/**
	 * Sends input to an interactive exec.
	 * @param id the exec id
	 * @param data the input, sent as is
	 * @return the exec
	 */
	public ExecItem sendStdin(String id, String data) {
		return Blocking.value(this.reactive.sendStdin(id, data));
	}

	/**
	 * Resizes the pseudo-terminal of a PTY exec.
	 * @param id the exec id
	 * @param cols the number of columns
	 * @param rows the number of rows
	 * @return the exec
	 */
	public ExecItem resize(String id, int cols, int rows) {
		return Blocking.value(this.reactive.resize(id, cols, rows));
	}

	/**
	 * Streams the list of execs: the whole list on connect, then after each change.
	 * @return each version of the list; close it when done
	 */
	public StreamResponse<List<ExecItem>> streamList() {
		return StreamResponse.of(this.reactive.streamList());
	}

	/**
	 * Runs a command to completion with a timeout of 10 minutes.
	 * @param request what to run
	 * @return the exit code and output
	 * @throws ExecTimeoutException when the command did not exit in time (the exec is deleted)
	 */
	public ExecResult run(ExecRequest request) {
		return Blocking.value(this.reactive.run(request));
	}

	/**
	 * Runs a command to completion; see {@link ReactiveSandboxExecs#run(ExecRequest, Duration)}.
	 * @param request what to run
	 * @param timeout how long to wait for the exit
	 * @return the exit code and output
	 * @throws ExecTimeoutException when the command did not exit in time (the exec is deleted)
	 */
	public ExecResult run(ExecRequest request, Duration timeout) {
		return Blocking.value(this.reactive.run(request, timeout));
	}

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxExecs reactive() {
		return this.reactive;
	}

}
