package ai.together.sandbox.emulator.internal.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Everything the emulator knows: the registries of sandboxes, snapshots and builds, kept in
 * {@code <data-dir>/state.db} so that a data directory survives a restart. Each change the API
 * acknowledges is committed there first; one that cannot be answers a 500 and changes nothing.
 * Reads are served from memory.
 */
public final class EmulatorState implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmulatorState.class);

	private final Path dataDirectory;

	private final StateStore store;

	private final SandboxRegistry sandboxes;

	private final SnapshotRegistry snapshots;

	private final BuildRegistry builds;

	private final SnapshotTrees snapshotTrees;

	/**
	 * Loads the state of a data directory.
	 * @param dataDirectory the data directory
	 * @param transitionDelay how long starting and stopping take
	 * @param waitCap the longest a wait for a sandbox to settle lasts
	 */
	public EmulatorState(Path dataDirectory, Duration transitionDelay, Duration waitCap) {
		this(dataDirectory, SqliteStateStore.open(dataDirectory, UnaryOperator.identity()), transitionDelay, waitCap);
	}

	EmulatorState(Path dataDirectory, StateStore store, Duration transitionDelay, Duration waitCap) {
		this.dataDirectory = dataDirectory;
		this.store = store;
		this.sandboxes = new SandboxRegistry(dataDirectory.resolve("sandboxes"), transitionDelay, waitCap, store);
		this.snapshots = new SnapshotRegistry(store);
		this.builds = new BuildRegistry(dataDirectory.resolve("builds"), store);
		this.snapshotTrees = new SnapshotTrees(dataDirectory.resolve("snapshots"), this.builds);
		try {
			StateDocument saved = store.load();
			List<SandboxRecord> cameBackStopped = this.sandboxes.restore(saved.sandboxes());
			this.snapshots.restore(saved.snapshots(), saved.aliases());
			this.builds.restore(saved.builds());
			if (!cameBackStopped.isEmpty()) {
				recordStopped(cameBackStopped);
			}
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/** Running sandboxes came back stopped: record that, which a later load would do again. */
	private void recordStopped(List<SandboxRecord> records) {
		try {
			this.store.updateSandboxes(records);
		}
		catch (ApiException ex) {
			logger.warn("Could not record that " + records.size() + " sandboxes came back stopped: "
					+ ex.getMessage());
		}
	}

	/**
	 * Returns the data directory.
	 * @return the directory
	 */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * Returns the sandboxes.
	 * @return the registry
	 */
	public SandboxRegistry sandboxes() {
		return this.sandboxes;
	}

	/**
	 * Returns the snapshots and aliases.
	 * @return the registry
	 */
	public SnapshotRegistry snapshots() {
		return this.snapshots;
	}

	/**
	 * Returns the builds.
	 * @return the registry
	 */
	public BuildRegistry builds() {
		return this.builds;
	}

	/**
	 * Returns the file trees sandboxes start with.
	 * @return the trees
	 */
	public SnapshotTrees snapshotTrees() {
		return this.snapshotTrees;
	}

	@Override
	public void close() {
		this.sandboxes.close();
		this.store.close();
	}

}
