package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.WatchEvent;
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

	SandboxFiles(ReactiveSandboxFiles reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
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
	 * Reads a file and decodes its content into the file's bytes.
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
