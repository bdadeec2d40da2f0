package ai.together.sandbox.emulator.internal.state;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the emulator knows: the registries of sandboxes, snapshots and builds, saved to the
 * data directory after every change so that a data directory survives a restart.
 */
public final class EmulatorState implements AutoCloseable {

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
		this.dataDirectory = dataDirectory;
		this.store = new StateStore(dataDirectory);
		this.sandboxes = new SandboxRegistry(dataDirectory.resolve("sandboxes"), transitionDelay, waitCap, this::save);
		this.snapshots = new SnapshotRegistry(this::save);
		this.builds = new BuildRegistry(dataDirectory.resolve("builds"), this::save);
		this.snapshotTrees = new SnapshotTrees(dataDirectory.resolve("snapshots"), this.builds);
		StateDocument saved = this.store.load();
		if (saved != null) {
			this.sandboxes.restore(saved.sandboxes());
			this.snapshots.restore(saved.snapshots(), saved.aliases());
			this.builds.restore(saved.builds());
			// Running sandboxes came back stopped: record that.
			save();
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

	private void save() {
		this.store.save(() -> new StateDocument(StateDocument.VERSION, this.sandboxes.records(),
				this.snapshots.list(), this.snapshots.aliasRecords(), this.builds.records()));
	}

	@Override
	public void close() {
		this.sandboxes.close();
		save();
	}

}
