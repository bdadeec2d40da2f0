package ai.together.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.WatchEvent;
import ai.together.sandbox.files.WatchEventType;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.files.FileTransfers;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;

/**
 * File operations of a connected sandbox, in the reactive style: {@code sandbox.files()}.
 * Nothing is sent until a returned publisher is subscribed to. Every call but {@link #watch} is
 * retried according to the client's {@code RetryConfig}, under the operation names
 * {@code files.read}, {@code files.create}, {@code files.delete}, {@code files.move},
 * {@code files.copy} and {@code files.stat}.
 * <p>
 * {@link #read}, {@link #readContent} and {@link #create} hold the whole content in memory;
 * {@link #readBytes} holds only the resulting array. For files too large for memory,
 * {@link #download(String, Path)}, {@link #download(String)}, {@link #upload(String, Path)} and
 * {@link #upload(String, Publisher)} stream the content with a heap use of a few chunks whatever
 * the size (retried under {@code files.download} and {@code files.upload}; an upload from a
 * publisher is sent once).
 * <p>
 * Paths are VM paths such as {@code /src/main.py}, sent as the API expects them (PROTOCOL.md
 * §3.1): every non-streaming call percent-encodes the whole path as one URL segment
 * ({@code /api/v1/files/%2Fsrc%2Fmain.py}); {@code watch} appends the path after
 * {@code /stream/directories/watcher/} keeping its {@code /} (so an absolute path gives
 * {@code watcher//src}) and percent-encodes every other character outside
 * {@code A-Z a-z 0-9 _ . - ~}, so that spaces, {@code %}, {@code #}, {@code ?} and non-ASCII
 * letters still form a valid URL.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxFiles {

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final Json.LazyType WATCH_EVENT = Json.type(WatchEvent.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	private final FileTransfers transfers;

	ReactiveSandboxFiles(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
		this.transfers = new FileTransfers(agent);
	}

	/**
	 * Reads a file and returns its content exactly as the agent sends it, like the Python SDK:
	 * the text for a UTF-8 file, the Base64 form for any other (see {@link #readContent} to learn
	 * which, or {@link #readBytes} for the bytes).
	 * @param path the file path, for example {@code /src/main.py}
	 * @return the content string
	 */
	public Mono<String> read(String path) {
		return readContent(path).map(FileContent::content);
	}

	/**
	 * Reads a file and decodes its content into the file's bytes, whatever encoding the agent
	 * chose. The response is spooled to a temporary file in {@code java.io.tmpdir} as it arrives
	 * and decoded from there into one array of the file's size, so the heap holds the array and a
	 * few buffers, never the content as text; the temporary file is deleted at once.
	 * @param path the file path
	 * @return the bytes of the file
	 */
	public Mono<byte[]> readBytes(String path) {
		Args.path(path, "path");
		// Spooled and decoded straight into one array of the file's size: the content is never
		// held as text.
		return this.transfers.readBytes("files.read", path);
	}

	/**
	 * Reads a file and returns its content with the encoding the agent chose.
	 * @param path the file path
	 * @return the content and its encoding
	 */
	public Mono<FileContent> readContent(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("files.read", pathContext(path), HttpMethod.GET, filePath(path));
		return this.agent.transport().call(call, FileContent.class);
	}

	/**
	 * Creates or overwrites a file with text, sent as UTF-8.
	 * @param path the file path
	 * @param content the text (may be empty)
	 * @return the file as the agent echoes it; its {@link FileContent#content() content} is what
	 * the Python SDK's {@code files.create} returns
	 */
	public Mono<FileContent> create(String path, String content) {
		Args.notNull(content, "content");
		return create(path, content.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Creates or overwrites a file with bytes, sent unchanged as
	 * {@code application/octet-stream}.
	 * @param path the file path
	 * @param content the bytes (may be empty; not copied, so do not change them before the call
	 * completes)
	 * @return the file as the agent echoes it
	 */
	public Mono<FileContent> create(String path, byte[] content) {
		Args.path(path, "path");
		Args.notNull(content, "content");
		ApiCall call = this.agent.call("files.create", pathContext(path), HttpMethod.POST, filePath(path))
			.withBody(content, OCTET_STREAM);
		return this.agent.transport().call(call, FileContent.class);
	}

	/**
	 * Downloads a file as its bytes, for files too large to hold in memory. The response is
	 * written to a temporary file in {@code java.io.tmpdir} as it arrives (the agent names the
	 * content's encoding only after the content), then decoded from there into buffers of up to
	 * 64 KiB, with back-pressure: heap use stays at a few buffers whatever the file size. The
	 * temporary file is deleted when the publisher completes, fails or is cancelled. Retried like
	 * the other calls until the response has arrived, under the operation name
	 * {@code files.download}; the response timeout bounds each wait for data rather than the
	 * whole transfer.
	 * @param path the file path
	 * @return the bytes of the file, in buffers that the subscriber must release
	 * ({@code DataBufferUtils.release}); an error status fails it with an {@code HttpException}
	 */
	public Flux<DataBuffer> download(String path) {
		Args.path(path, "path");
		return this.transfers.download(path);
	}

	/**
	 * Downloads a file into a local file, for files too large to hold in memory; see
	 * {@link #download(String)} for retries and timeouts. The content is decoded into a temporary
	 * file next to {@code target}, which replaces {@code target} once complete (atomically where
	 * the file system can): a failed download leaves an existing {@code target} unchanged. The
	 * response itself is spooled in the same directory first, so it needs free space for about
	 * twice the file. A target that cannot be written (its directory missing or read-only, or a
	 * directory itself) fails with a {@link TogetherSandboxException} before any request is sent.
	 * @param path the file path in the sandbox
	 * @param target the local file to create or replace
	 * @return the number of bytes written
	 */
	public Mono<Long> download(String path, Path target) {
		Args.path(path, "path");
		Args.notNull(target, "target");
		return this.transfers.download(path, target);
	}

	/**
	 * Uploads a local file, creating or overwriting the file in the sandbox, for files too large
	 * to hold in memory: the body is read from {@code source} in chunks of 64 KiB as it is sent,
	 * with the file's size as {@code Content-Length}, so the request is the same as
	 * {@link #create(String, byte[])}'s. The file the agent echoes is released as it arrives,
	 * never decoded. Retried like the other calls, under the operation name
	 * {@code files.upload}; the response timeout counts from the end of the request. A source
	 * that cannot be read fails with a {@link TogetherSandboxException} before any request is
	 * sent.
	 * @param path the file path in the sandbox
	 * @param source the local file to send
	 * @return completion
	 */
	public Mono<Void> upload(String path, Path source) {
		Args.path(path, "path");
		Args.notNull(source, "source");
		return this.transfers.upload(path, source);
	}

	/**
	 * Uploads the bytes of a publisher, creating or overwriting the file in the sandbox, for
	 * content too large to hold in memory. Sent as {@code application/octet-stream} with chunked
	 * transfer encoding (the size is not known in advance), each buffer released once written.
	 * Sent once, never retried: a publisher cannot be assumed to produce its bytes again. The
	 * echoed file is released as it arrives, never decoded.
	 * @param path the file path in the sandbox
	 * @param source the content
	 * @return completion
	 */
	public Mono<Void> upload(String path, Publisher<DataBuffer> source) {
		Args.path(path, "path");
		Args.notNull(source, "source");
		return this.transfers.upload(path, Flux.from(source));
	}

	/**
	 * Deletes a file.
	 * @param path the file path
	 * @return completion
	 */
	public Mono<Void> delete(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("files.delete", pathContext(path), HttpMethod.DELETE, filePath(path)));
	}

	/**
	 * Moves (renames) a file.
	 * @param from the current path
	 * @param to the new path
	 * @return completion
	 */
	public Mono<Void> move(String from, String to) {
		return action("files.move", "move", from, to);
	}

	/**
	 * Copies a file.
	 * @param from the path to copy
	 * @param to the path of the copy
	 * @return completion
	 */
	public Mono<Void> copy(String from, String to) {
		return action("files.copy", "copy", from, to);
	}

	/**
	 * Returns a file's or directory's metadata.
	 * @param path the path
	 * @return the metadata
	 */
	public Mono<FileInfo> stat(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("files.stat", pathContext(path), HttpMethod.GET,
				"/api/v1/file_stat/" + PathEncoder.segment(path));
		return this.agent.transport().call(call, FileInfo.class);
	}

	/**
	 * Watches a directory, not recursively, with no ignore patterns.
	 * @param path the directory path
	 * @return the events; see {@link #watch(String, Boolean, List)}
	 */
	public Flux<WatchEvent> watch(String path) {
		return watch(path, null, null);
	}

	/**
	 * Watches a directory for changes over server-sent events. The first event is usually
	 * {@link WatchEventType#CONNECTED}. The stream runs until cancelled, until the server closes
	 * it, or until the sandbox is closed; it is not retried and has no timeout. Cancelling it
	 * closes its connection. An error status fails it with an {@code HttpException}, a malformed
	 * event with a {@link TogetherSandboxException}.
	 * @param path the directory path (sent after {@code /watcher/} with its slashes, see the
	 * class documentation)
	 * @param recursive whether to watch subdirectories too, or {@code null} to leave it to the
	 * agent (not sent)
	 * @param ignorePatterns glob patterns of paths to ignore, or {@code null} for none (each is
	 * sent as one {@code ignorePatterns} query parameter)
	 * @return the events
	 */
	public Flux<WatchEvent> watch(String path, @Nullable Boolean recursive, @Nullable List<String> ignorePatterns) {
		Args.path(path, "path");
		StringBuilder uri = new StringBuilder("/api/v1/stream/directories/watcher/").append(PathEncoder.path(path));
		char separator = '?';
		if (recursive != null) {
			uri.append(separator).append("recursive=").append(recursive);
			separator = '&';
		}
		if (ignorePatterns != null) {
			for (int i = 0; i < ignorePatterns.size(); i++) {
				String pattern = Args.notNull(ignorePatterns.get(i), "ignorePatterns[" + i + "]");
				uri.append(separator).append("ignorePatterns=").append(PathEncoder.query(pattern));
				separator = '&';
			}
		}
		return this.streams.open("files.watch", pathContext(path), uri.toString(), WATCH_EVENT.get());
	}

	private Mono<Void> action(String operation, String action, String from, String to) {
		Args.path(from, "from");
		Args.path(to, "to");
		String context = "from " + Repr.quote(from) + " to " + Repr.quote(to);
		ApiCall call = this.agent.call(operation, context, HttpMethod.PATCH, filePath(from))
			.withJson(Map.of("action", action, "destination", to));
		return this.agent.transport().call(call);
	}

	FileTransfers transfers() {
		return this.transfers;
	}

	private static String filePath(String path) {
		return "/api/v1/files/" + PathEncoder.segment(path);
	}

	static String pathContext(String path) {
		return Repr.context("path", path);
	}

}
