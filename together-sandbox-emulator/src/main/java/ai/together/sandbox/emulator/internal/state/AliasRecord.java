package ai.together.sandbox.emulator.internal.state;

/**
 * A snapshot alias, the SnapshotAlias model of the management API. Saved in {@code state.json}
 * (snake case).
 *
 * @param id the alias id (a lower-case UUID)
 * @param snapshotId the snapshot it names
 * @param alias the alias
 * @param createdAt when it was created
 * @param updatedAt when it last moved
 */
public record AliasRecord(String id, String snapshotId, String alias, String createdAt, String updatedAt) {
}
