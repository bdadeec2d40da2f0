package ai.together.sandbox.emulator.internal.state;

import java.util.List;

/**
 * The whole of {@code state.json}.
 *
 * @param version the format version, 1
 * @param sandboxes the sandboxes
 * @param snapshots the snapshots
 * @param aliases the snapshot aliases
 * @param builds the builds
 */
record StateDocument(int version, List<SandboxRecord> sandboxes, List<SnapshotRecord> snapshots,
		List<AliasRecord> aliases, List<BuildRecord> builds) {

	static final int VERSION = 1;

}
