package ai.together.sandbox.emulator.internal.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
	 * Registers a snapshot of the current generation, with tags and a ttl.
	 * @param id the snapshot id (a lower-case UUID)
	 * @param image the image reference, or what the snapshot was taken of
	 * @param architecture the architecture
	 * @param buildId the build whose context it uses, if any
	 * @param byteSize its size
	 * @param tags its tags
	 * @param ttl seconds after creation until it is retired, or {@code null}
	 * @return the snapshot
	 * @throws ApiException 500 if it cannot be saved (then it does not exist)
	 */
	public SnapshotRecord register(String id, String image, String architecture, @Nullable String buildId,
			long byteSize, Map<String, String> tags, @Nullable Long ttl) {
		return register(id, image, architecture, buildId, byteSize, tags, ttl, List.of());
	}

	/**
	 * Registers a snapshot of the current generation with aliases, in one change: the snapshot and
	 * all its aliases are saved, or none of them (an alias of one of the names elsewhere is moved
	 * to it).
	 * @param id the snapshot id (a lower-case UUID)
	 * @param image the image reference, or what the snapshot was taken of
	 * @param architecture the architecture
	 * @param buildId the build whose context it uses, if any
	 * @param byteSize its size
	 * @param tags its tags
	 * @param ttl seconds after creation until it is retired, or {@code null}
	 * @param aliases the aliases pointed at it
	 * @return the snapshot
	 * @throws ApiException 500 if it cannot be saved (then neither it nor the aliases changed)
	 */
	public synchronized SnapshotRecord register(String id, String image, String architecture,
			@Nullable String buildId, long byteSize, Map<String, String> tags, @Nullable Long ttl,
			List<String> aliases) {
		String now = Instant.now().toString();
		SnapshotRecord snapshot = new SnapshotRecord(id, PROJECT_ID, byteSize, false, false, false, now, null, now,
				image, architecture, buildId, tags, ttl, null);
		Map<String, AliasRecord> records = new LinkedHashMap<>();
		for (String alias : aliases) {
			records.put(alias, aliasRecord(snapshot, alias, now));
		}
		this.store.insertSnapshot(snapshot, List.copyOf(records.values()));
		this.snapshots.put(snapshot.id(), snapshot);
		this.aliases.putAll(records);
		return snapshot;
	}

	/**
	 * Retires a snapshot: it stays readable and can no longer create sandboxes. Retiring a retired
	 * snapshot changes nothing.
	 * @param id the snapshot id
	 * @return the retired snapshot
	 * @throws ApiException 404 if there is none, 500 if the retirement cannot be saved (then it is
	 * not retired)
	 */
	public synchronized SnapshotRecord retire(String id) {
		SnapshotRecord s = get(id);
		if (s.retiredAt() != null) {
			return s;
		}
		String now = Instant.now().toString();
		SnapshotRecord retired = new SnapshotRecord(s.id(), s.projectId(), s.byteSize(), s.isProtected(),
				s.optimized(), s.includesMemorySnapshot(), s.createdAt(), s.optimizedAt(), now, s.image(),
				s.architecture(), s.buildId(), s.tags(), s.ttl(), now);
		this.store.updateSnapshot(retired);
		this.snapshots.put(retired.id(), retired);
		return retired;
	}

	/**
	 * Returns the aliases of a snapshot, by alias.
	 * @param snapshotId the snapshot id
	 * @return the aliases
	 */
	public List<AliasRecord> aliasesOf(String snapshotId) {
		return this.aliases.values()
			.stream()
			.filter(a -> a.snapshotId().equals(snapshotId))
			.sorted(Comparator.comparing(AliasRecord::alias))
			.toList();
	}

	/**
	 * Deletes an alias by name if it exists.
	 * @param alias the alias string
	 * @return whether it existed
	 * @throws ApiException 500 if the deletion cannot be saved (then the alias stays)
	 */
	public synchronized boolean deleteAlias(String alias) {
		AliasRecord existing = this.aliases.get(alias);
		if (existing == null) {
			return false;
		}
		deleteAlias(existing);
		return true;
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
		AliasRecord record = aliasRecord(get(snapshotId), alias, Instant.now().toString());
		this.store.putAlias(record);
		this.aliases.put(alias, record);
	}

	/** The record of an alias pointed at a snapshot: a new one, or the existing one moved. */
	private AliasRecord aliasRecord(SnapshotRecord snapshot, String alias, String now) {
		AliasRecord existing = this.aliases.get(alias);
		return new AliasRecord(existing != null ? existing.id() : UUID.randomUUID().toString(), snapshot.id(), alias,
				existing != null ? existing.createdAt() : now, now);
	}

	/**
	 * Registers an alias with a snapshot of its own created from an image, unless the alias exists
	 * already (then it is kept as it is). The snapshot and the alias are saved together, or
	 * neither.
	 * @param alias the alias
	 * @param image the image of the new snapshot
	 * @return whether the alias was created
	 * @throws ApiException 500 if they cannot be saved (then neither exists)
	 */
	public synchronized boolean ensureAlias(String alias, String image) {
		if (this.aliases.containsKey(alias)) {
			return false;
		}
		String now = Instant.now().toString();
		SnapshotRecord snapshot = new SnapshotRecord(UUID.randomUUID().toString(), PROJECT_ID, 0L, false, false, false,
				now, null, now, image, "amd64", null);
		AliasRecord record = aliasRecord(snapshot, alias, now);
		this.store.insertSnapshot(snapshot, List.of(record));
		this.snapshots.put(snapshot.id(), snapshot);
		this.aliases.put(alias, record);
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
