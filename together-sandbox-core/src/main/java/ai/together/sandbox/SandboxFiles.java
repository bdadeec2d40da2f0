package ai.together.sandbox;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.WatchEvent;
import ai.together.sandbox.internal.files.FileTransfers;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.Blocking;
import org.jspecify.annotations.Nullable;

/**
 * File operations of a connected sandbox, in the blocking style: {@code sandbox.files()}. The
 * blocking view of {@link ReactiveSandboxFiles}; see there for retries and wire details.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxFiles {

	private final ReactiveSandboxFiles reactive;

	private final FileTransfers transfers;

	SandboxFiles(ReactiveSandboxFiles reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
		this.transfers = reactive.transfers();
	}

	/**
	 * Reads a file and returns its content exactly as the agent sends it, like the Python SDK:
	 * the text for a UTF-8 file, the Base64 form for any other.
	 * @param path the file path, for example {@code /src/main.py}
	 * @return the content string
	 */
	public String read(String path) {
		return Blocking.value(this.reactive.read(path));
	}

	/**
	 * Reads a file and decodes its content into the file's bytes; see
	 * {@link ReactiveSandboxFiles#readBytes(String)} for how little heap it needs.
	 * @param path the file path
	 * @return the bytes of the file
	 */
	public byte[] readBytes(String path) {
		return Blocking.value(this.reactive.readBytes(path));
	}

	/**
	 * Reads a file and returns its content with the encoding the agent chose.
	 * @param path the file path
	 * @return the content and its encoding
	 */
	public FileContent readContent(String path) {
		return Blocking.value(this.reactive.readContent(path));
	}

	/**
	 * Creates or overwrites a file with text, sent as UTF-8.
	 * @param path the file path
	 * @param content the text (may be empty)
	 * @return the file as the agent echoes it
	 */
	public FileContent create(String path, String content) {
		return Blocking.value(this.reactive.create(path, content));
	}

	/**
	 * Creates or overwrites a file with bytes, sent unchanged.
	 * @param path the file path
	 * @param content the bytes (may be empty)
	 * @return the file as the agent echoes it
	 */
	public FileContent create(String path, byte[] content) {
		return Blocking.value(this.reactive.create(path, content));
	}

	/**
	 * Downloads a file into a local file, for files too large to hold in memory; see
	 * {@link ReactiveSandboxFiles#download(String, Path)}.
	 * @param path the file path in the sandbox
	 * @param target the local file to create or replace (left unchanged when the download fails)
	 * @return the number of bytes written
	 */
	public long download(String path, Path target) {
		return Blocking.value(this.reactive.download(path, target));
	}

	/**
	 * Downloads a file into a stream, for files too large to hold in memory. The response is
	 * spooled to a temporary file in {@code java.io.tmpdir} first (the agent names the content's
	 * encoding only after the content), so nothing is written to {@code out} unless the whole
	 * response arrived; then the decoded bytes are written and {@code out} is flushed, not
	 * closed. Heap use stays at a few buffers whatever the file size. Retried like the other
	 * calls until the response has arrived (operation {@code files.download}). A failure to write
	 * to {@code out} is a {@link ai.together.sandbox.errors.TogetherSandboxException} that says
	 * so.
	 * @param path the file path in the sandbox
	 * @param out where the file's bytes go
	 * @return the number of bytes written
	 */
	public long download(String path, OutputStream out) {
		Args.path(path, "path");
		Args.notNull(out, "out");
		return Blocking.value(this.transfers.download(path, out));
	}

	/**
	 * Uploads a local file, creating or overwriting the file in the sandbox, for files too large
	 * to hold in memory; see {@link ReactiveSandboxFiles#upload(String, Path)}.
	 * @param path the file path in the sandbox
	 * @param source the local file to send
	 */
	public void upload(String path, Path source) {
		Blocking.await(this.reactive.upload(path, source));
	}

	/**
	 * Uploads what a stream holds up to its end, creating or overwriting the file in the sandbox,
	 * for content too large to hold in memory: read in chunks of 64 KiB as it is sent, with
	 * chunked transfer encoding; the stream is not closed. Sent once, never retried (a stream
	 * cannot be read again); the echoed file is never decoded.
	 * @param path the file path in the sandbox
	 * @param source the content
	 */
	public void upload(String path, InputStream source) {
		Args.path(path, "path");
		Args.notNull(source, "source");
		Blocking.await(this.transfers.upload(path, source));
	}

	/**
	 * Deletes a file.
	 * @param path the file path
	 */
	public void delete(String path) {
		Blocking.await(this.reactive.delete(path));
	}

	/**
	 * Moves (renames) a file.
	 * @param from the current path
	 * @param to the new path
	 */
	public void move(String from, String to) {
		Blocking.await(this.reactive.move(from, to));
	}

	/**
	 * Copies a file.
	 * @param from the path to copy
	 * @param to the path of the copy
	 */
	public void copy(String from, String to) {
		Blocking.await(this.reactive.copy(from, to));
	}

	/**
	 * Returns a file's or directory's metadata.
	 * @param path the path
	 * @return the metadata
	 */
	public FileInfo stat(String path) {
		return Blocking.value(this.reactive.stat(path));
	}

	/**
	 * Watches a directory, not recursively, with no ignore patterns.
	 * @param path the directory path
	 * @return the events; close the response to stop watching
	 */
	public StreamResponse<WatchEvent> watch(String path) {
		return StreamResponse.of(this.reactive.watch(path));
	}

	/**
	 * Watches a directory for changes; see {@link ReactiveSandboxFiles#watch(String, Boolean, List)}.
	 * @param path the directory path
	 * @param recursive whether to watch subdirectories too, or {@code null} to leave it to the
	 * agent
	 * @param ignorePatterns glob patterns of paths to ignore, or {@code null} for none
	 * @return the events; close the response to stop watching
	 */
	public StreamResponse<WatchEvent> watch(String path, @Nullable Boolean recursive,
			@Nullable List<String> ignorePatterns) {
		return StreamResponse.of(this.reactive.watch(path, recursive, ignorePatterns));
	}

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxFiles reactive() {
		return this.reactive;
	}

}
