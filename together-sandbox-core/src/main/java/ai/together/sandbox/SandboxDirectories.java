package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.internal.util.Blocking;

/**
 * Directory operations of a connected sandbox, in the blocking style:
 * {@code sandbox.directories()}. The blocking view of {@link ReactiveSandboxDirectories}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxDirectories {

	private final ReactiveSandboxDirectories reactive;

	SandboxDirectories(ReactiveSandboxDirectories reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Lists the entries of a directory.
	 * @param path the directory path ({@code /} for the root)
	 * @return the entries
	 */
	public List<FileInfo> list(String path) {
		return Blocking.value(this.reactive.list(path).collectList());
	}

	/**
	 * Creates a directory.
	 * @param path the directory path
	 */
	public void create(String path) {
		Blocking.await(this.reactive.create(path));
	}

	/**
	 * Deletes a directory with everything in it.
	 * @param path the directory path
	 */
	public void delete(String path) {
		Blocking.await(this.reactive.delete(path));
	}

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxDirectories reactive() {
		return this.reactive;
	}

}
