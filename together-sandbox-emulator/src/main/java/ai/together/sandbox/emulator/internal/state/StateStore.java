package ai.together.sandbox.emulator.internal.state;

import java.util.List;

import ai.together.sandbox.emulator.internal.http.ApiException;

/**
 * Where the emulator's state is kept. Each change is durable when its method returns; a change
 * that cannot be made durable throws an {@link ApiException} (500; 503 once the store is closed)
 * and leaves the stored state as it was, so that the caller changes nothing in memory either and
 * answers the error.
 */
interface StateStore extends AutoCloseable {

	/**
	 * Reads everything kept.
	 * @return the state
	 */
	StateDocument load();

	/**
	 * Adds a sandbox.
	 * @param sandbox the record
	 */
	void insertSandbox(SandboxRecord sandbox);

	/**
	 * Replaces the record of sandboxes; one that was deleted stays deleted.
	 * @param sandboxes the records, written in one transaction
	 */
	void updateSandboxes(List<SandboxRecord> sandboxes);

	/**
	 * Deletes a sandbox.
	 * @param id the sandbox id
	 */
	void deleteSandbox(String id);

	/**
	 * Adds a snapshot.
	 * @param snapshot the record
	 */
	default void insertSnapshot(SnapshotRecord snapshot) {
		insertSnapshot(snapshot, List.of());
	}

	/**
	 * Adds a snapshot and aliases naming it (each added or replacing the alias of the same name),
	 * in one transaction.
	 * @param snapshot the record
	 * @param aliases the aliases
	 */
	void insertSnapshot(SnapshotRecord snapshot, List<AliasRecord> aliases);

	/**
	 * Replaces the record of a snapshot (its retirement).
	 * @param snapshot the record
	 */
	void updateSnapshot(SnapshotRecord snapshot);

	/**
	 * Deletes a snapshot and every alias naming it.
	 * @param id the snapshot id
	 */
	void deleteSnapshot(String id);

	/**
	 * Adds an alias or replaces the alias of the same name.
	 * @param alias the record
	 */
	void putAlias(AliasRecord alias);

	/**
	 * Deletes an alias.
	 * @param alias the alias string
	 */
	void deleteAlias(String alias);

	/**
	 * Adds a build.
	 * @param build the record
	 */
	void insertBuild(BuildRecord build);

	/**
	 * Deletes a build.
	 * @param buildId the build id
	 */
	void deleteBuild(String buildId);

	/** Closes the store; later changes fail. */
	@Override
	void close();

}
