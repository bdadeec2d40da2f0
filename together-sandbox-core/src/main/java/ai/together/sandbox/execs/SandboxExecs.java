package ai.together.sandbox.execs;

import java.time.Duration;
import java.util.List;

import ai.together.sandbox.core.StreamResponse;
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
public interface SandboxExecs {

	/**
	 * Lists the execs of the sandbox.
	 * @return the execs
	 */
	List<ExecItem> list();

	/**
	 * Creates an exec: runs a command (unless {@link ExecRequest#autorun()} is {@code false}).
	 * @param request what to run
	 * @return the exec
	 */
	ExecItem create(ExecRequest request);

	/**
	 * Gets an exec.
	 * @param id the exec id
	 * @return the exec
	 */
	ExecItem get(String id);

	/**
	 * Starts a stopped exec by setting its status to {@code running}.
	 * @param id the exec id
	 * @return the exec
	 */
	ExecItem resume(String id);

	/**
	 * Deletes an exec, killing its process if it still runs.
	 * @param id the exec id
	 */
	void delete(String id);

	/**
	 * Returns the output an exec has produced so far, in one request.
	 * @param id the exec id
	 * @return the output messages
	 */
	List<ExecOutput> getOutput(String id);

	/**
	 * Returns the output an exec has produced after a sequence number, in one request.
	 * @param id the exec id
	 * @param lastSequence return only messages after this sequence number, or {@code null} for all
	 * @return the output messages
	 */
	List<ExecOutput> getOutput(String id, @Nullable Integer lastSequence);

	/**
	 * Streams an exec's output from its beginning, resuming after dropped connections.
	 * @param id the exec id
	 * @return the output messages, ending with the exit message; close it when done
	 */
	StreamResponse<ExecOutput> streamOutput(String id);

	/**
	 * Streams an exec's output after a sequence number, resuming after dropped connections; see
	 * {@link ReactiveSandboxExecs#streamOutput(String, Integer)}.
	 * @param id the exec id
	 * @param lastSequence start after this sequence number, or {@code null} for the beginning
	 * @return the output messages, ending with the exit message; close it when done
	 */
	StreamResponse<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence);

	/**
	 * Sends input to an interactive exec.
	 * @param id the exec id
	 * @param data the input, sent as is
	 * @return the exec
	 */
	ExecItem sendStdin(String id, String data);

	/**
	 * Resizes the pseudo-terminal of a PTY exec.
	 * @param id the exec id
	 * @param cols the number of columns
	 * @param rows the number of rows
	 * @return the exec
	 */
	ExecItem resize(String id, int cols, int rows);

	/**
	 * Streams the list of execs: the whole list on connect, then after each change.
	 * @return each version of the list; close it when done
	 */
	StreamResponse<List<ExecItem>> streamList();

	/**
	 * Runs a command to completion with a timeout of 10 minutes.
	 * @param request what to run
	 * @return the exit code and output
	 * @throws ExecTimeoutException when the command did not exit in time (the exec is deleted)
	 */
	ExecResult run(ExecRequest request);

	/**
	 * Runs a command to completion; see {@link ReactiveSandboxExecs#run(ExecRequest, Duration)}.
	 * @param request what to run
	 * @param timeout how long to wait for the exit
	 * @return the exit code and output
	 * @throws ExecTimeoutException when the command did not exit in time (the exec is deleted)
	 */
	ExecResult run(ExecRequest request, Duration timeout);

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	ReactiveSandboxExecs reactive();

}
