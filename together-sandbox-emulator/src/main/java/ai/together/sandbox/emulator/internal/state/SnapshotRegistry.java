package ai.together.sandbox.emulator.internal.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * The snapshots by id and their aliases by alias string. Reads take no lock; changes take the
 * registry's, each saved before it is made in memory (a 500 {@link ApiException}, and no change,
 * if it cannot be).
 */
public final class SnapshotRegistry {

	/** The one project of the emulator. */
	public static final String PROJECT_ID = "local-emulator";

	private final Map<String, SnapshotRecord> snapshots = new ConcurrentHashMap<>();

	private final Map<String, AliasRecord> aliases = new ConcurrentHashMap<>();

	private final StateStore store;

	SnapshotRegistry(StateStore store) {
		this.store = store;
	}

	/**
	 * Creates a snapshot.
	 * @param image the image reference
	 * @param architecture the architecture
	 * @param build the build that produced the image, if any
	 * @return the snapshot
	 */
	public synchronized SnapshotRecord create(String image, String architecture, @Nullable BuildRecord build) {
		String now = Instant.now().toString();
		SnapshotRecord snapshot = new SnapshotRecord(UUID.randomUUID().toString(), PROJECT_ID,
				build != null ? build.byteSize() : 0L, false, false, false, now, null, now, image, architecture,
				build != null ? build.buildId() : null);
		this.store.insertSnapshot(snapshot);
		this.snapshots.put(snapshot.id(), snapshot);
		return snapshot;
	}

	/**
	 * Returns a snapshot.
	 * @param id the snapshot id, in any case
	 * @return the snapshot
	 * @throws ApiException 404 if there is none
	 */
	public SnapshotRecord get(String id) {
		SnapshotRecord snapshot = this.snapshots.get(id.toLowerCase());
		if (snapshot == null) {
			throw ApiException.notFound("snapshot " + id + " not found");
		}
		return snapshot;
	}

	/**
	 * Returns the snapshot an alias names.
	 * @param alias the alias
	 * @return the snapshot
	 * @throws ApiException 404 if the alias or its snapshot does not exist
	 */
	public SnapshotRecord byAlias(String alias) {
		return get(alias(alias).snapshotId());
	}

	/**
	 * Returns every snapshot, oldest first.
	 * @return the snapshots
	 */
	public List<SnapshotRecord> list() {
		List<SnapshotRecord> list = new ArrayList<>(this.snapshots.values());
		list.sort(Comparator.comparing(SnapshotRecord::createdAt));
		return list;
	}

	/**
	 * Whether a snapshot uses the context of a build.
	 * @param buildId the build id
	 * @return whether one does
	 */
	public boolean usesBuild(String buildId) {
		return this.snapshots.values().stream().anyMatch(s -> buildId.equals(s.buildId()));
	}

	/**
	 * Deletes a snapshot and its aliases.
	 * @param id the snapshot id
	 * @throws ApiException 404 if there is none
	 */
	public synchronized void delete(String id) {
		SnapshotRecord snapshot = get(id);
		this.store.deleteSnapshot(snapshot.id());
		this.snapshots.remove(snapshot.id());
		this.aliases.values().removeIf(a -> a.snapshotId().equals(snapshot.id()));
	}

	/**
	 * Points an alias at a snapshot, creating the alias or moving it.
	 * @param snapshotId the snapshot id
	 * @param alias the alias
	 * @throws ApiException 404 if the snapshot does not exist
	 */
	public synchronized void alias(String snapshotId, String alias) {
		SnapshotRecord snapshot = get(snapshotId);
		String now = Instant.now().toString();
		AliasRecord existing = this.aliases.get(alias);
		AliasRecord record = new AliasRecord(existing != null ? existing.id() : UUID.randomUUID().toString(),
				snapshot.id(), alias, existing != null ? existing.createdAt() : now, now);
		this.store.putAlias(record);
		this.aliases.put(alias, record);
	}

	/**
	 * Registers an alias with a snapshot of its own created from an image, unless the alias exists
	 * already (then it is kept as it is).
	 * @param alias the alias
	 * @param image the image of the new snapshot
	 * @return whether the alias was created
	 */
	public synchronized boolean ensureAlias(String alias, String image) {
		if (this.aliases.containsKey(alias)) {
			return false;
		}
		SnapshotRecord snapshot = create(image, "amd64", null);
		alias(snapshot.id(), alias);
		return true;
	}

	/**
	 * Returns an alias.
	 * @param alias the alias string
	 * @return the alias
	 * @throws ApiException 404 if there is none
	 */
	public AliasRecord alias(String alias) {
		AliasRecord record = this.aliases.get(alias);
		if (record == null) {
			throw ApiException.notFound("snapshot alias " + alias + " not found");
		}
		return record;
	}

	/**
	 * Returns an alias by its id.
	 * @param id the alias id, in any case
	 * @return the alias
	 * @throws ApiException 404 if there is none
	 */
	public AliasRecord aliasById(String id) {
		return this.aliases.values()
			.stream()
			.filter(a -> a.id().equals(id.toLowerCase()))
			.findFirst()
			.orElseThrow(() -> ApiException.notFound("snapshot alias " + id + " not found"));
	}

	/**
	 * Deletes an alias.
	 * @param alias the alias
	 */
	public synchronized void deleteAlias(AliasRecord alias) {
		this.store.deleteAlias(alias.alias());
		this.aliases.remove(alias.alias());
	}

	void restore(List<SnapshotRecord> snapshots, List<AliasRecord> aliases) {
		snapshots.forEach(s -> this.snapshots.put(s.id(), s));
		aliases.forEach(a -> this.aliases.put(a.alias(), a));
	}

}
