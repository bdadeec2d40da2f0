package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The file trees sandboxes start with: a snapshot of an image built here starts with its build's
 * context, a snapshot taken when a sandbox terminated with the sandbox's files, kept in a
 * directory of its own.
 */
public final class SnapshotTrees {

	private static final Log logger = LogFactory.getLog(SnapshotTrees.class);

	private final Path directory;

	private final BuildRegistry builds;

	SnapshotTrees(Path directory, BuildRegistry builds) {
		this.directory = directory;
		this.builds = builds;
	}

	/**
	 * Returns the file tree a sandbox created from a snapshot starts with.
	 * @param snapshot the snapshot
	 * @return the directory, or {@code null} for an empty tree
	 */
	public @Nullable Path treeOf(SnapshotRecord snapshot) {
		if (snapshot.buildId() != null) {
			return this.builds.contextOf(snapshot);
		}
		Path tree = tree(snapshot.id());
		return Files.isDirectory(tree) ? tree : null;
	}

	/**
	 * Copies a sandbox's files as the tree of a snapshot about to be registered.
	 * @param files the root of the sandbox's files
	 * @param snapshotId the id of the snapshot
	 * @return the bytes of the regular files copied
	 * @throws IOException if the copy fails (then nothing is left behind)
	 */
	public long capture(Path files, String snapshotId) throws IOException {
		Path tree = tree(snapshotId);
		try {
			Files.createDirectories(tree);
			if (Files.isDirectory(files)) {
				FileTrees.copyTree(files, tree);
			}
			try (Stream<Path> all = Files.walk(tree)) {
				return all.filter(Files::isRegularFile).mapToLong(SnapshotTrees::size).sum();
			}
		}
		catch (IOException | RuntimeException ex) {
			delete(snapshotId);
			throw ex;
		}
	}

	/**
	 * Deletes the tree of a snapshot, if it has one of its own.
	 * @param snapshotId the snapshot id
	 */
	public void delete(String snapshotId) {
		Path dir = this.directory.resolve(snapshotId);
		try {
			if (Files.exists(dir)) {
				FileTrees.deleteRecursively(dir);
			}
		}
		catch (IOException ex) {
			logger.debug("Could not delete the tree of snapshot " + snapshotId + ": " + ex.getMessage());
		}
	}

	private Path tree(String snapshotId) {
		return this.directory.resolve(snapshotId).resolve("fs");
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
