package ai.together.sandbox.files;

import java.util.List;

import ai.together.sandbox.errors.TogetherSandboxException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * File operations of a connected sandbox, in the reactive style: {@code sandbox.files()}.
 * Nothing is sent until a returned publisher is subscribed to. Every call but {@link #watch} is
 * retried according to the client's {@code RetryConfig}, under the operation names
 * {@code files.read}, {@code files.create}, {@code files.delete}, {@code files.move},
 * {@code files.copy} and {@code files.stat}.
 * <p>
 * Content crosses the wire whole in one request or response, with no size limit of the client's
 * own (files of 64 MiB and more round-trip); it is held in memory.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface ReactiveSandboxFiles {

	/**
	 * Reads a file and returns its content exactly as the agent sends it, like the Python SDK:
	 * the text for a UTF-8 file, the Base64 form for any other (see {@link #readContent} to learn
	 * which, or {@link #readBytes} for the bytes).
	 * @param path the file path, for example {@code /src/main.py}
	 * @return the content string
	 */
	Mono<String> read(String path);

	/**
	 * Reads a file and decodes its content into the file's bytes, whatever encoding the agent
	 * chose.
	 * @param path the file path
	 * @return the bytes of the file
	 */
	Mono<byte[]> readBytes(String path);

	/**
	 * Reads a file and returns its content with the encoding the agent chose.
	 * @param path the file path
	 * @return the content and its encoding
	 */
	Mono<FileContent> readContent(String path);

	/**
	 * Creates or overwrites a file with text, sent as UTF-8.
	 * @param path the file path
	 * @param content the text (may be empty)
	 * @return the file as the agent echoes it; its {@link FileContent#content() content} is what
	 * the Python SDK's {@code files.create} returns
	 */
	Mono<FileContent> create(String path, String content);

	/**
	 * Creates or overwrites a file with bytes, sent unchanged as
	 * {@code application/octet-stream}.
	 * @param path the file path
	 * @param content the bytes (may be empty; not copied, so do not change them before the call
	 * completes)
	 * @return the file as the agent echoes it
	 */
	Mono<FileContent> create(String path, byte[] content);

	/**
	 * Deletes a file.
	 * @param path the file path
	 * @return completion
	 */
	Mono<Void> delete(String path);

	/**
	 * Moves (renames) a file.
	 * @param from the current path
	 * @param to the new path
	 * @return completion
	 */
	Mono<Void> move(String from, String to);

	/**
	 * Copies a file.
	 * @param from the path to copy
	 * @param to the path of the copy
	 * @return completion
	 */
	Mono<Void> copy(String from, String to);

	/**
	 * Returns a file's or directory's metadata.
	 * @param path the path
	 * @return the metadata
	 */
	Mono<FileInfo> stat(String path);

	/**
	 * Watches a directory, not recursively, with no ignore patterns.
	 * @param path the directory path
	 * @return the events; see {@link #watch(String, Boolean, List)}
	 */
	Flux<WatchEvent> watch(String path);

	/**
	 * Watches a directory for changes over server-sent events. The first event is usually
	 * {@link WatchEventType#CONNECTED}. The stream runs until cancelled, until the server closes
	 * it, or until the sandbox is closed; it is not retried and has no timeout. Cancelling it
	 * closes its connection. An error status fails it with an {@code HttpException}, a malformed
	 * event with a {@link TogetherSandboxException}.
	 * @param path the directory path (sent after {@code /watcher/} with its slashes, see the
	 * package documentation)
	 * @param recursive whether to watch subdirectories too, or {@code null} to leave it to the
	 * agent (not sent)
	 * @param ignorePatterns glob patterns of paths to ignore, or {@code null} for none (each is
	 * sent as one {@code ignorePatterns} query parameter)
	 * @return the events
	 */
	Flux<WatchEvent> watch(String path, @Nullable Boolean recursive, @Nullable List<String> ignorePatterns);

}
