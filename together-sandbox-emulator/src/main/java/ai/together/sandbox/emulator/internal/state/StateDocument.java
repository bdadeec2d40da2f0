package ai.together.sandbox.emulator.internal.state;

import java.util.List;

/**
 * Everything the emulator keeps: what {@link StateStore#load()} reads, and the whole of a
 * {@code state.json} of earlier emulators.
 *
 * @param version the format version of {@code state.json}, 1
 * @param sandboxes the sandboxes
 * @param snapshots the snapshots
 * @param aliases the snapshot aliases
 * @param builds the builds
 */
record StateDocument(int version, List<SandboxRecord> sandboxes, List<SnapshotRecord> snapshots,
		List<AliasRecord> aliases, List<BuildRecord> builds) {

	static final int VERSION = 1;

}
