package ai.together.sandbox.files;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metadata of a file or directory, as {@code files().stat(..)} and {@code directories().list(..)}
 * return it.
 *
 * @param name the file or directory name
 * @param path the full path
 * @param isDir whether this entry is a directory
 * @param size the size in bytes
 * @param modTime the last modification time, as the agent formats it (the API documents it only
 * as a string)
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record FileInfo(@JsonProperty("name") String name, @JsonProperty("path") String path,
		@JsonProperty("isDir") boolean isDir, @JsonProperty("size") long size,
		@JsonProperty("modTime") String modTime) {

	/**
	 * Tolerates fields the agent left out.
	 */
	public FileInfo {
		name = (name != null) ? name : "";
		path = (path != null) ? path : "";
		modTime = (modTime != null) ? modTime : "";
	}

}
