package ai.together.sandbox.emulator.internal.state;

/**
 * A snapshot alias, the SnapshotAlias model of the management API. A row of {@code state.db} (in
 * snake case in the {@code state.json} of earlier emulators).
 *
 * @param id the alias id (a lower-case UUID)
 * @param snapshotId the snapshot it names
 * @param alias the alias
 * @param createdAt when it was created
 * @param updatedAt when it last moved
 */
public record AliasRecord(String id, String snapshotId, String alias, String createdAt, String updatedAt) {
}
