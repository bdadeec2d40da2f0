package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A build context resolved on disk: the real path of the context directory and of the
 * Dockerfile, which must lie inside it (PROTOCOL.md §5.3 "Inputs").
 *
 * @param directory the real path of the context directory
 * @param dockerfile the real path of the Dockerfile
 * @param relativeDockerfile the Dockerfile relative to the context, with {@code /} separators
 * @param explicitDockerfile whether the caller named the Dockerfile (a local build then passes
 * {@code -f})
 */
public record BuildContext(Path directory, Path dockerfile, String relativeDockerfile, boolean explicitDockerfile) {

	/**
	 * Resolves and checks a context directory and an optional Dockerfile.
	 * @param context the context directory
	 * @param dockerfile the Dockerfile, or {@code null} for {@code Dockerfile} in the context
	 * @return the resolved context
	 * @throws IllegalArgumentException when the context is not a directory, the Dockerfile is not
	 * a regular file, or it lies outside the context
	 */
	public static BuildContext resolve(Path context, @Nullable Path dockerfile) {
		Path directory;
		try {
			directory = context.toRealPath();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("context must be an existing directory, was " + context, ex);
		}
		if (!Files.isDirectory(directory)) {
			throw new IllegalArgumentException("context must be a directory, was " + context);
		}
		Path file;
		try {
			file = ((dockerfile != null) ? dockerfile : directory.resolve("Dockerfile")).toRealPath();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException((dockerfile != null) ? "dockerfile does not exist: " + dockerfile
					: "context has no Dockerfile (set dockerfile): " + directory.resolve("Dockerfile"), ex);
		}
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException("dockerfile must be a regular file, was " + file);
		}
		if (!file.startsWith(directory) || file.equals(directory)) {
			throw new IllegalArgumentException(
					"dockerfile must be inside the context directory " + directory + ", was " + file);
		}
		String relative = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
		return new BuildContext(directory, file, relative, dockerfile != null);
	}

	/**
	 * The image name a remote build asks for: the context directory's name, lower-cased, with
	 * {@code _} replaced by {@code -}, and the given tag.
	 * @param tag the tag (the Python SDK uses the Unix time in seconds)
	 * @return the image name, {@code name:tag}
	 */
	public String imageName(String tag) {
		Path name = this.directory.getFileName();
		String base = (name != null) ? name.toString() : "context";
		return base.toLowerCase(Locale.ROOT).replace('_', '-') + ":" + tag;
	}

}
