package ai.together.sandbox.execs;

import java.time.Duration;
import java.util.List;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
public interface ReactiveSandboxExecs {

	/** How many times in a row {@code streamOutput} reconnects without receiving new output. */
	int MAX_CONSECUTIVE_RECONNECTS = 3;

	/** Timeout of {@link #run(ExecRequest)}. */
	Duration DEFAULT_RUN_TIMEOUT = Duration.ofMinutes(10);

	/**
	 * Lists the execs of the sandbox.
	 * @return the execs
	 */
	Flux<ExecItem> list();

	/**
	 * Creates an exec: runs a command (unless {@link ExecRequest#autorun()} is {@code false}).
	 * Only the request's fields that are set are sent.
	 * @param request what to run
	 * @return the exec
	 */
	Mono<ExecItem> create(ExecRequest request);

	/**
	 * Gets an exec.
	 * @param id the exec id
	 * @return the exec
	 */
	Mono<ExecItem> get(String id);

	/**
	 * Starts a stopped exec (one created with {@code autorun(false)}) by setting its status to
	 * {@code running}.
	 * @param id the exec id
	 * @return the exec
	 */
	Mono<ExecItem> resume(String id);

	/**
	 * Deletes an exec, killing its process if it still runs.
	 * @param id the exec id
	 * @return completion
	 */
	Mono<Void> delete(String id);

	/**
	 * Returns the output an exec has produced so far, in one request.
	 * @param id the exec id
	 * @return the output messages
	 */
	Flux<ExecOutput> getOutput(String id);

	/**
	 * Returns the output an exec has produced after a sequence number, in one request.
	 * @param id the exec id
	 * @param lastSequence return only messages after this sequence number, or {@code null} for
	 * all (the API documents a negative value as counting back from the end)
	 * @return the output messages
	 */
	Flux<ExecOutput> getOutput(String id, @Nullable Integer lastSequence);

	/**
	 * Streams an exec's output from its beginning; see {@link #streamOutput(String, Integer)}.
	 * @param id the exec id
	 * @return the output messages, ending with the exit message
	 */
	Flux<ExecOutput> streamOutput(String id);

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
	Flux<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence);

	/**
	 * Sends input to an interactive exec.
	 * @param id the exec id
	 * @param data the input, sent as is (add {@code \n} to end a line)
	 * @return the exec
	 */
	Mono<ExecItem> sendStdin(String id, String data);

	/**
	 * Resizes the pseudo-terminal of a PTY exec; sent as {@code "<cols>x<rows>"}, the format of
	 * the Python SDK, which that SDK itself marks as unverified.
	 * @param id the exec id
	 * @param cols the number of columns (positive)
	 * @param rows the number of rows (positive)
	 * @return the exec
	 */
	Mono<ExecItem> resize(String id, int cols, int rows);

	/**
	 * Streams the list of execs over server-sent events: the whole list on connect, then again
	 * after each change. Runs until cancelled, until the server closes it, or until the sandbox is
	 * closed; not retried.
	 * @return each version of the list
	 */
	Flux<List<ExecItem>> streamList();

	/**
	 * Runs a command to completion with a timeout of 10 minutes; see
	 * {@link #run(ExecRequest, Duration)}.
	 * @param request what to run
	 * @return the exit code and output
	 */
	Mono<ExecResult> run(ExecRequest request);

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
	Mono<ExecResult> run(ExecRequest request, Duration timeout);

}
