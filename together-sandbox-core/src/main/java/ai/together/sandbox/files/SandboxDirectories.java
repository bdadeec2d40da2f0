package ai.together.sandbox.files;

import java.util.List;

/**
 * Directory operations of a connected sandbox, in the blocking style:
 * {@code sandbox.directories()}. The blocking view of {@link ReactiveSandboxDirectories}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface SandboxDirectories {

	/**
	 * Lists the entries of a directory.
	 * @param path the directory path ({@code /} for the root)
	 * @return the entries
	 */
	List<FileInfo> list(String path);

	/**
	 * Creates a directory.
	 * @param path the directory path
	 */
	void create(String path);

	/**
	 * Deletes a directory with everything in it.
	 * @param path the directory path
	 */
	void delete(String path);

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	ReactiveSandboxDirectories reactive();

}
