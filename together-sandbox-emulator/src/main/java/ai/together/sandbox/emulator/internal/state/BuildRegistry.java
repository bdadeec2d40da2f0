package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The builds by id and their directories, each holding the unpacked context of its build. Each
 * change is saved before it is made in memory (a 500 {@link ApiException}, and no change, if it
 * cannot be).
 */
public final class BuildRegistry {

	private static final Log logger = LogFactory.getLog(BuildRegistry.class);

	private final Map<String, BuildRecord> builds = new ConcurrentHashMap<>();

	private final Path directory;

	private final StateStore store;

	BuildRegistry(Path directory, StateStore store) {
		this.directory = directory;
		this.store = store;
	}

	/**
	 * Returns the directory of a build.
	 * @param buildId the build id
	 * @return the directory
	 */
	public Path directory(String buildId) {
		return this.directory.resolve(buildId);
	}

	/**
	 * Returns where the unpacked context of a build lies.
	 * @param buildId the build id
	 * @return the context directory
	 */
	public Path context(String buildId) {
		return directory(buildId).resolve("context");
	}

	/**
	 * Returns the file tree a sandbox created from a snapshot starts with. A deleted build keeps its
	 * files while a snapshot uses them.
	 * @param snapshot the snapshot
	 * @return the context directory, or {@code null} for a snapshot of an image not built here
	 */
	public @Nullable Path contextOf(SnapshotRecord snapshot) {
		return snapshot.buildId() != null ? context(snapshot.buildId()) : null;
	}

	/**
	 * Records a build.
	 * @param build the build
	 */
	public void add(BuildRecord build) {
		this.store.insertBuild(build);
		this.builds.put(build.buildId(), build);
	}

	/**
	 * Returns a build.
	 * @param id the build id
	 * @return the build
	 * @throws ApiException 404 if there is none
	 */
	public BuildRecord get(String id) {
		BuildRecord build = this.builds.get(id);
		if (build == null) {
			throw ApiException.notFound("build " + id + " not found");
		}
		return build;
	}

	/**
	 * Returns the successful build that produced an image.
	 * @param imageRef the image reference
	 * @return the build, or {@code null}
	 */
	public @Nullable BuildRecord succeededByImage(String imageRef) {
		return this.builds.values()
			.stream()
			.filter(b -> b.error() == null && b.imageRef().equals(imageRef))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Deletes a build, and its files unless a snapshot uses them.
	 * @param id the build id
	 * @param usedBySnapshot whether a snapshot uses its context
	 * @throws ApiException 404 if there is none
	 */
	public synchronized void delete(String id, boolean usedBySnapshot) {
		BuildRecord build = get(id);
		this.store.deleteBuild(id);
		this.builds.remove(id);
		if (!usedBySnapshot) {
			try {
				FileTrees.deleteRecursively(directory(build.buildId()));
			}
			catch (IOException ex) {
				logger.debug("Could not delete the directory of build " + id + ": " + ex.getMessage());
			}
		}
	}

	void restore(List<BuildRecord> builds) {
		builds.forEach(b -> this.builds.put(b.buildId(), b));
	}

}
