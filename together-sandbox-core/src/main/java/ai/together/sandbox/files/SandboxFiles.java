package ai.together.sandbox.files;

import java.util.List;

import ai.together.sandbox.core.StreamResponse;
import org.jspecify.annotations.Nullable;

/**
 * File operations of a connected sandbox, in the blocking style: {@code sandbox.files()}. The
 * blocking view of {@link ReactiveSandboxFiles}; see there for retries and wire details.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface SandboxFiles {

	/**
	 * Reads a file and returns its content exactly as the agent sends it, like the Python SDK:
	 * the text for a UTF-8 file, the Base64 form for any other.
	 * @param path the file path, for example {@code /src/main.py}
	 * @return the content string
	 */
	String read(String path);

	/**
	 * Reads a file and decodes its content into the file's bytes.
	 * @param path the file path
	 * @return the bytes of the file
	 */
	byte[] readBytes(String path);

	/**
	 * Reads a file and returns its content with the encoding the agent chose.
	 * @param path the file path
	 * @return the content and its encoding
	 */
	FileContent readContent(String path);

	/**
	 * Creates or overwrites a file with text, sent as UTF-8.
	 * @param path the file path
	 * @param content the text (may be empty)
	 * @return the file as the agent echoes it
	 */
	FileContent create(String path, String content);

	/**
	 * Creates or overwrites a file with bytes, sent unchanged.
	 * @param path the file path
	 * @param content the bytes (may be empty)
	 * @return the file as the agent echoes it
	 */
	FileContent create(String path, byte[] content);

	/**
	 * Deletes a file.
	 * @param path the file path
	 */
	void delete(String path);

	/**
	 * Moves (renames) a file.
	 * @param from the current path
	 * @param to the new path
	 */
	void move(String from, String to);

	/**
	 * Copies a file.
	 * @param from the path to copy
	 * @param to the path of the copy
	 */
	void copy(String from, String to);

	/**
	 * Returns a file's or directory's metadata.
	 * @param path the path
	 * @return the metadata
	 */
	FileInfo stat(String path);

	/**
	 * Watches a directory, not recursively, with no ignore patterns.
	 * @param path the directory path
	 * @return the events; close the response to stop watching
	 */
	StreamResponse<WatchEvent> watch(String path);

	/**
	 * Watches a directory for changes; see {@link ReactiveSandboxFiles#watch(String, Boolean, List)}.
	 * @param path the directory path
	 * @param recursive whether to watch subdirectories too, or {@code null} to leave it to the
	 * agent
	 * @param ignorePatterns glob patterns of paths to ignore, or {@code null} for none
	 * @return the events; close the response to stop watching
	 */
	StreamResponse<WatchEvent> watch(String path, @Nullable Boolean recursive,
			@Nullable List<String> ignorePatterns);

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	ReactiveSandboxFiles reactive();

}
