package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;
import tools.jackson.core.type.TypeReference;

/**
 * The state in {@code <data-dir>/state.db}, an SQLite database: one row per sandbox, snapshot,
 * alias and build, so that a change writes its own row and never the rest.
 * <p>
 * One connection, used under one lock; every change is its own transaction, committed before the
 * method returns. The journal is a write-ahead log with {@code synchronous=NORMAL}: a commit has
 * written its frames to the log file (into the operating system's cache) before it returns, so a
 * change acknowledged survives the emulator being killed (SIGKILL), the kernel still holding and
 * writing out the data; the log is synced to the disk at checkpoints, not at each commit, so a
 * crash of the machine itself may lose the last changes (never corrupting the database).
 * {@code synchronous=FULL} would sync at every commit: 4 to 5 ms each on the build machine,
 * serialized on the one connection, against 0.1 to 0.3 ms, which would cap creations at about 200
 * a second.
 */
final class SqliteStateStore implements StateStore {

	private static final Log logger = LogFactory.getLog(SqliteStateStore.class);

	static final String FILE_NAME = "state.db";

	static final String LEGACY_FILE_NAME = "state.json";

	/**
	 * The schema of this emulator, kept in {@code PRAGMA user_version}: 2 added what the current API
	 * generation keeps (the {@code current} of a sandbox, and the tags, ttl and retirement of a
	 * snapshot) to version 1.
	 */
	private static final int SCHEMA_VERSION = 2;

	private static final String SANDBOX_COLUMNS = "id, status, ephemeral, millicpu, memory_bytes, disk_bytes, "
			+ "created_at, updated_at, start_requested_at, start_type, started_at, stop_requested_at, "
			+ "requested_stop_type, stopped_at, stop_reason, snapshot_id, version_id, current";

	private static final int SANDBOX_COLUMN_COUNT = 18;

	private static final String SNAPSHOT_COLUMNS = "id, project_id, byte_size, protected, optimized, "
			+ "includes_memory_snapshot, created_at, optimized_at, updated_at, image, architecture, build_id, tags, "
			+ "ttl, retired_at";

	private static final int SNAPSHOT_COLUMN_COUNT = 15;

	private static final String ALIAS_COLUMNS = "alias, id, snapshot_id, created_at, updated_at";

	private static final String BUILD_COLUMNS = "build_id, status, image_name, image_ref, dockerfile, error, "
			+ "created_at, logs, byte_size";

	private static final List<String> SCHEMA = List.of("""
			CREATE TABLE IF NOT EXISTS sandboxes (id TEXT PRIMARY KEY, status TEXT NOT NULL,
			  ephemeral INTEGER NOT NULL, millicpu INTEGER NOT NULL, memory_bytes INTEGER NOT NULL,
			  disk_bytes INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT, start_requested_at TEXT,
			  start_type TEXT, started_at TEXT, stop_requested_at TEXT, requested_stop_type TEXT, stopped_at TEXT,
			  stop_reason TEXT, snapshot_id TEXT NOT NULL, version_id TEXT NOT NULL, current TEXT)""", """
			CREATE TABLE IF NOT EXISTS snapshots (id TEXT PRIMARY KEY, project_id TEXT NOT NULL,
			  byte_size INTEGER NOT NULL, protected INTEGER NOT NULL, optimized INTEGER NOT NULL,
			  includes_memory_snapshot INTEGER NOT NULL, created_at TEXT NOT NULL, optimized_at TEXT,
			  updated_at TEXT NOT NULL, image TEXT NOT NULL, architecture TEXT NOT NULL, build_id TEXT, tags TEXT,
			  ttl INTEGER, retired_at TEXT)""", """
			CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, id TEXT NOT NULL, snapshot_id TEXT NOT NULL,
			  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""", """
			CREATE TABLE IF NOT EXISTS builds (build_id TEXT PRIMARY KEY, status TEXT NOT NULL,
			  image_name TEXT NOT NULL, image_ref TEXT NOT NULL, dockerfile TEXT NOT NULL, error TEXT,
			  created_at TEXT NOT NULL, logs TEXT NOT NULL, byte_size INTEGER NOT NULL)""");

	/** What version 2 added to a database of version 1. */
	private static final List<String> FROM_VERSION_1 = List.of("ALTER TABLE sandboxes ADD COLUMN current TEXT",
			"ALTER TABLE snapshots ADD COLUMN tags TEXT", "ALTER TABLE snapshots ADD COLUMN ttl INTEGER",
			"ALTER TABLE snapshots ADD COLUMN retired_at TEXT");

	private static final TypeReference<List<String>> LINES = new TypeReference<>() {
	};

	private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
	};

	private final Connection connection;

	private final PreparedStatement insertSandbox;

	private final PreparedStatement updateSandbox;

	private final PreparedStatement deleteSandbox;

	private final PreparedStatement insertSnapshot;

	private final PreparedStatement updateSnapshot;

	private final PreparedStatement deleteSnapshot;

	private final PreparedStatement deleteAliasesOf;

	private final PreparedStatement putAlias;

	private final PreparedStatement deleteAlias;

	private final PreparedStatement insertBuild;

	private final PreparedStatement deleteBuild;

	private boolean closed;

	private SqliteStateStore(Connection connection) throws SQLException {
		this.connection = connection;
		this.insertSandbox = prepare("INSERT INTO sandboxes (" + SANDBOX_COLUMNS + ") VALUES ("
				+ placeholders(SANDBOX_COLUMN_COUNT) + ")");
		this.updateSandbox = prepare("UPDATE sandboxes SET status = ?, ephemeral = ?, millicpu = ?, "
				+ "memory_bytes = ?, disk_bytes = ?, created_at = ?, updated_at = ?, start_requested_at = ?, "
				+ "start_type = ?, started_at = ?, stop_requested_at = ?, requested_stop_type = ?, stopped_at = ?, "
				+ "stop_reason = ?, snapshot_id = ?, version_id = ?, current = ? WHERE id = ?");
		this.deleteSandbox = prepare("DELETE FROM sandboxes WHERE id = ?");
		this.insertSnapshot = prepare("INSERT INTO snapshots (" + SNAPSHOT_COLUMNS + ") VALUES ("
				+ placeholders(SNAPSHOT_COLUMN_COUNT) + ")");
		this.updateSnapshot = prepare("UPDATE snapshots SET project_id = ?, byte_size = ?, protected = ?, "
				+ "optimized = ?, includes_memory_snapshot = ?, created_at = ?, optimized_at = ?, updated_at = ?, "
				+ "image = ?, architecture = ?, build_id = ?, tags = ?, ttl = ?, retired_at = ? WHERE id = ?");
		this.deleteSnapshot = prepare("DELETE FROM snapshots WHERE id = ?");
		this.deleteAliasesOf = prepare("DELETE FROM aliases WHERE snapshot_id = ?");
		this.putAlias = prepare("INSERT OR REPLACE INTO aliases (" + ALIAS_COLUMNS + ") VALUES (" + placeholders(5)
				+ ")");
		this.deleteAlias = prepare("DELETE FROM aliases WHERE alias = ?");
		this.insertBuild = prepare("INSERT INTO builds (" + BUILD_COLUMNS + ") VALUES (" + placeholders(9) + ")");
		this.deleteBuild = prepare("DELETE FROM builds WHERE build_id = ?");
	}

	/**
	 * Opens (or creates) the database of a data directory, importing a {@code state.json} found
	 * there once: it is renamed {@code state.json.migrated} after the import has been committed.
	 * @param dataDirectory the data directory
	 * @param connections wraps the connection (a seam for tests; {@code c -> c} otherwise)
	 * @return the store
	 * @throws IllegalStateException if the database cannot be opened
	 */
	static SqliteStateStore open(Path dataDirectory, UnaryOperator<Connection> connections) {
		Path file = dataDirectory.resolve(FILE_NAME);
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
		config.setBusyTimeout(10_000);
		Connection connection = null;
		try {
			connection = connections.apply(config.createConnection("jdbc:sqlite:" + file.toAbsolutePath()));
			connection.setAutoCommit(false);
			createSchema(connection, file);
			SqliteStateStore store = new SqliteStateStore(connection);
			store.migrate(dataDirectory.resolve(LEGACY_FILE_NAME));
			return store;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw new IllegalStateException("Cannot open the emulator state " + file + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(connection);
			throw ex;
		}
	}

	private static void createSchema(Connection connection, Path file) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			int version;
			try (ResultSet result = statement.executeQuery("PRAGMA user_version")) {
				version = result.next() ? result.getInt(1) : 0;
			}
			if (version > SCHEMA_VERSION) {
				throw new IllegalStateException("The emulator state " + file + " has schema version " + version
						+ ", written by a newer emulator; this one reads version " + SCHEMA_VERSION);
			}
			if (version == 1) {
				for (String column : FROM_VERSION_1) {
					statement.execute(column);
				}
			}
			for (String table : SCHEMA) {
				statement.execute(table);
			}
			statement.execute("PRAGMA user_version = " + SCHEMA_VERSION);
			// All of it or none: an upgrade interrupted half-way is made again on the next start.
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
	}

	private void migrate(Path legacy) {
		if (!Files.isRegularFile(legacy)) {
			return;
		}
		StateDocument document = LegacyStateFile.read(legacy);
		if (document == null) {
			// Left where it is (and named by the WARN) for its owner to look at.
			return;
		}
		// Replaces rather than inserts: an import interrupted after its commit and before the
		// rename runs again on the next start.
		transaction(() -> {
			try (PreparedStatement sandbox = prepare("INSERT OR REPLACE INTO sandboxes (" + SANDBOX_COLUMNS
					+ ") VALUES (" + placeholders(SANDBOX_COLUMN_COUNT) + ")");
					PreparedStatement snapshot = prepare("INSERT OR REPLACE INTO snapshots (" + SNAPSHOT_COLUMNS
							+ ") VALUES (" + placeholders(SNAPSHOT_COLUMN_COUNT) + ")");
					PreparedStatement build = prepare("INSERT OR REPLACE INTO builds (" + BUILD_COLUMNS
							+ ") VALUES (" + placeholders(9) + ")")) {
				for (SandboxRecord record : document.sandboxes()) {
					bindSandbox(sandbox, record);
					sandbox.executeUpdate();
				}
				for (SnapshotRecord record : document.snapshots()) {
					bindSnapshot(snapshot, record);
					snapshot.executeUpdate();
				}
				for (AliasRecord record : document.aliases()) {
					bindAlias(this.putAlias, record);
					this.putAlias.executeUpdate();
				}
				for (BuildRecord record : document.builds()) {
					bindBuild(build, record);
					build.executeUpdate();
				}
			}
		});
		Path migrated = legacy.resolveSibling(LEGACY_FILE_NAME + ".migrated");
		try {
			Files.move(legacy, migrated, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Imported " + legacy + " into " + FILE_NAME + " but cannot rename it to "
					+ migrated.getFileName() + ": " + ex.getMessage(), ex);
		}
		logger.info("Imported the emulator state of " + legacy + " (" + document.sandboxes().size() + " sandboxes, "
				+ document.snapshots().size() + " snapshots) into " + FILE_NAME + "; the file is now "
				+ migrated.getFileName());
	}

	@Override
	public synchronized StateDocument load() {
		try (Statement statement = this.connection.createStatement()) {
			List<SandboxRecord> sandboxes = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("SELECT " + SANDBOX_COLUMNS + " FROM sandboxes")) {
				while (rows.next()) {
					read("sandbox", rows, sandboxes, SqliteStateStore::sandbox);
				}
			}
			List<SnapshotRecord> snapshots = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("SELECT " + SNAPSHOT_COLUMNS + " FROM snapshots")) {
				while (rows.next()) {
					read("snapshot", rows, snapshots, SqliteStateStore::snapshot);
				}
			}
			List<AliasRecord> aliases = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("SELECT " + ALIAS_COLUMNS + " FROM aliases")) {
				while (rows.next()) {
					read("alias", rows, aliases, SqliteStateStore::alias);
				}
			}
			List<BuildRecord> builds = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("SELECT " + BUILD_COLUMNS + " FROM builds")) {
				while (rows.next()) {
					read("build", rows, builds, SqliteStateStore::build);
				}
			}
			// Ends the read transaction that autocommit off opened.
			this.connection.commit();
			return new StateDocument(StateDocument.VERSION, sandboxes, snapshots, aliases, builds);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the emulator state: " + ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void insertSandbox(SandboxRecord sandbox) {
		transaction(() -> {
			bindSandbox(this.insertSandbox, sandbox);
			this.insertSandbox.executeUpdate();
		});
	}

	@Override
	public synchronized void updateSandboxes(List<SandboxRecord> sandboxes) {
		transaction(() -> {
			for (SandboxRecord sandbox : sandboxes) {
				PreparedStatement update = this.updateSandbox;
				update.setString(1, sandbox.status());
				update.setBoolean(2, sandbox.ephemeral());
				update.setLong(3, sandbox.millicpu());
				update.setLong(4, sandbox.memoryBytes());
				update.setLong(5, sandbox.diskBytes());
				update.setString(6, sandbox.createdAt());
				setNullable(update, 7, sandbox.updatedAt());
				setNullable(update, 8, sandbox.startRequestedAt());
				setNullable(update, 9, sandbox.startType());
				setNullable(update, 10, sandbox.startedAt());
				setNullable(update, 11, sandbox.stopRequestedAt());
				setNullable(update, 12, sandbox.requestedStopType());
				setNullable(update, 13, sandbox.stoppedAt());
				setNullable(update, 14, sandbox.stopReason());
				update.setString(15, sandbox.snapshotId());
				update.setString(16, sandbox.versionId());
				setNullable(update, 17, json(sandbox.current()));
				update.setString(18, sandbox.id());
				update.executeUpdate();
			}
		});
	}

	@Override
	public synchronized void deleteSandbox(String id) {
		transaction(() -> {
			this.deleteSandbox.setString(1, id);
			this.deleteSandbox.executeUpdate();
		});
	}

	@Override
	public synchronized void insertSnapshot(SnapshotRecord snapshot, List<AliasRecord> aliases) {
		transaction(() -> {
			bindSnapshot(this.insertSnapshot, snapshot);
			this.insertSnapshot.executeUpdate();
			for (AliasRecord alias : aliases) {
				bindAlias(this.putAlias, alias);
				this.putAlias.executeUpdate();
			}
		});
	}

	@Override
	public synchronized void updateSnapshot(SnapshotRecord snapshot) {
		transaction(() -> {
			PreparedStatement update = this.updateSnapshot;
			update.setString(1, snapshot.projectId());
			update.setLong(2, snapshot.byteSize());
			update.setBoolean(3, snapshot.isProtected());
			update.setBoolean(4, snapshot.optimized());
			update.setBoolean(5, snapshot.includesMemorySnapshot());
			update.setString(6, snapshot.createdAt());
			setNullable(update, 7, snapshot.optimizedAt());
			update.setString(8, snapshot.updatedAt());
			update.setString(9, snapshot.image());
			update.setString(10, snapshot.architecture());
			setNullable(update, 11, snapshot.buildId());
			setNullable(update, 12, json(snapshot.tags()));
			setNullable(update, 13, snapshot.ttl());
			setNullable(update, 14, snapshot.retiredAt());
			update.setString(15, snapshot.id());
			update.executeUpdate();
		});
	}

	@Override
	public synchronized void deleteSnapshot(String id) {
		transaction(() -> {
			this.deleteAliasesOf.setString(1, id);
			this.deleteAliasesOf.executeUpdate();
			this.deleteSnapshot.setString(1, id);
			this.deleteSnapshot.executeUpdate();
		});
	}

	@Override
	public synchronized void putAlias(AliasRecord alias) {
		transaction(() -> {
			bindAlias(this.putAlias, alias);
			this.putAlias.executeUpdate();
		});
	}

	@Override
	public synchronized void deleteAlias(String alias) {
		transaction(() -> {
			this.deleteAlias.setString(1, alias);
			this.deleteAlias.executeUpdate();
		});
	}

	@Override
	public synchronized void insertBuild(BuildRecord build) {
		transaction(() -> {
			bindBuild(this.insertBuild, build);
			this.insertBuild.executeUpdate();
		});
	}

	@Override
	public synchronized void deleteBuild(String buildId) {
		transaction(() -> {
			this.deleteBuild.setString(1, buildId);
			this.deleteBuild.executeUpdate();
		});
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.connection.close();
		}
		catch (SQLException ex) {
			logger.warn("Could not close the emulator state: " + ex.getMessage());
		}
	}

	/** The work of one change, committed at its end. */
	@FunctionalInterface
	private interface Work {

		void run() throws SQLException;

	}

	/** Runs one change as a transaction: committed, or rolled back and answered with a 500. */
	private void transaction(Work work) {
		if (this.closed) {
			throw new ApiException(503, "the emulator is shutting down");
		}
		try {
			work.run();
			this.connection.commit();
		}
		catch (SQLException ex) {
			try {
				this.connection.rollback();
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw writeFailed(ex);
		}
	}

	/**
	 * The answer to a change that could not be made durable. Only the SQLite result code goes into
	 * the body: the messages of the driver may name files of the host.
	 */
	static ApiException writeFailed(SQLException ex) {
		String code = ex instanceof SQLiteException sqlite ? sqlite.getResultCode().name()
				: ex.getClass().getSimpleName();
		logger.error("Could not save a change to the emulator state; it was not made: " + ex.getMessage(), ex);
		return new ApiException(500, "the emulator could not save the change (" + code + "); nothing was changed");
	}

	private PreparedStatement prepare(String sql) throws SQLException {
		return this.connection.prepareStatement(sql);
	}

	private static String placeholders(int count) {
		return String.join(", ", java.util.Collections.nCopies(count, "?"));
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				logger.debug("Could not close the emulator state: " + ex.getMessage());
			}
		}
	}

	// ---------------------------------------------------------------- rows

	@FunctionalInterface
	private interface Row<T> {

		T read(ResultSet rows) throws SQLException;

	}

	private static <T> void read(String what, ResultSet rows, List<T> into, Row<T> row) throws SQLException {
		try {
			into.add(row.read(rows));
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring a " + what + " of the saved state that cannot be read: " + ex.getMessage());
		}
	}

	private static void bindSandbox(PreparedStatement statement, SandboxRecord sandbox) throws SQLException {
		statement.setString(1, sandbox.id());
		statement.setString(2, sandbox.status());
		statement.setBoolean(3, sandbox.ephemeral());
		statement.setLong(4, sandbox.millicpu());
		statement.setLong(5, sandbox.memoryBytes());
		statement.setLong(6, sandbox.diskBytes());
		statement.setString(7, sandbox.createdAt());
		setNullable(statement, 8, sandbox.updatedAt());
		setNullable(statement, 9, sandbox.startRequestedAt());
		setNullable(statement, 10, sandbox.startType());
		setNullable(statement, 11, sandbox.startedAt());
		setNullable(statement, 12, sandbox.stopRequestedAt());
		setNullable(statement, 13, sandbox.requestedStopType());
		setNullable(statement, 14, sandbox.stoppedAt());
		setNullable(statement, 15, sandbox.stopReason());
		statement.setString(16, sandbox.snapshotId());
		statement.setString(17, sandbox.versionId());
		setNullable(statement, 18, json(sandbox.current()));
	}

	private static SandboxRecord sandbox(ResultSet rows) throws SQLException {
		return new SandboxRecord(rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getLong(4),
				rows.getLong(5), rows.getLong(6), rows.getString(7), rows.getString(8), rows.getString(9),
				rows.getString(10), rows.getString(11), rows.getString(12), rows.getString(13), rows.getString(14),
				rows.getString(15), rows.getString(16), rows.getString(17),
				fromJson(rows.getString(18), CurrentFields.class));
	}

	private static void bindSnapshot(PreparedStatement statement, SnapshotRecord snapshot) throws SQLException {
		statement.setString(1, snapshot.id());
		statement.setString(2, snapshot.projectId());
		statement.setLong(3, snapshot.byteSize());
		statement.setBoolean(4, snapshot.isProtected());
		statement.setBoolean(5, snapshot.optimized());
		statement.setBoolean(6, snapshot.includesMemorySnapshot());
		statement.setString(7, snapshot.createdAt());
		setNullable(statement, 8, snapshot.optimizedAt());
		statement.setString(9, snapshot.updatedAt());
		statement.setString(10, snapshot.image());
		statement.setString(11, snapshot.architecture());
		setNullable(statement, 12, snapshot.buildId());
		setNullable(statement, 13, json(snapshot.tags()));
		setNullable(statement, 14, snapshot.ttl());
		setNullable(statement, 15, snapshot.retiredAt());
	}

	private static SnapshotRecord snapshot(ResultSet rows) throws SQLException {
		return new SnapshotRecord(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getBoolean(4),
				rows.getBoolean(5), rows.getBoolean(6), rows.getString(7), rows.getString(8), rows.getString(9),
				rows.getString(10), rows.getString(11), rows.getString(12), fromJson(rows.getString(13), TAGS),
				nullableLong(rows, 14), rows.getString(15));
	}

	private static void bindAlias(PreparedStatement statement, AliasRecord alias) throws SQLException {
		statement.setString(1, alias.alias());
		statement.setString(2, alias.id());
		statement.setString(3, alias.snapshotId());
		statement.setString(4, alias.createdAt());
		statement.setString(5, alias.updatedAt());
	}

	private static AliasRecord alias(ResultSet rows) throws SQLException {
		return new AliasRecord(rows.getString(2), rows.getString(3), rows.getString(1), rows.getString(4),
				rows.getString(5));
	}

	private static void bindBuild(PreparedStatement statement, BuildRecord build) throws SQLException {
		statement.setString(1, build.buildId());
		statement.setString(2, build.status());
		statement.setString(3, build.imageName());
		statement.setString(4, build.imageRef());
		statement.setString(5, build.dockerfile());
		setNullable(statement, 6, build.error());
		statement.setString(7, build.createdAt());
		statement.setString(8, LegacyStateFile.MAPPER.writeValueAsString(build.logs()));
		statement.setLong(9, build.byteSize());
	}

	private static BuildRecord build(ResultSet rows) throws SQLException {
		return new BuildRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
				rows.getString(5), rows.getString(6), rows.getString(7),
				LegacyStateFile.MAPPER.readValue(rows.getString(8), LINES), rows.getLong(9));
	}

	/** A JSON column (snake case, as in {@code state.json}); {@code null} stays SQL NULL. */
	private static @Nullable String json(@Nullable Object value) {
		return value == null ? null : LegacyStateFile.MAPPER.writeValueAsString(value);
	}

	private static <T> @Nullable T fromJson(@Nullable String text, Class<T> type) {
		return text == null ? null : LegacyStateFile.MAPPER.readValue(text, type);
	}

	private static <T> @Nullable T fromJson(@Nullable String text, TypeReference<T> type) {
		return text == null ? null : LegacyStateFile.MAPPER.readValue(text, type);
	}

	private static @Nullable Long nullableLong(ResultSet rows, int index) throws SQLException {
		long value = rows.getLong(index);
		return rows.wasNull() ? null : value;
	}

	private static void setNullable(PreparedStatement statement, int index, @Nullable Long value)
			throws SQLException {
		if (value == null) {
			statement.setNull(index, Types.INTEGER);
		}
		else {
			statement.setLong(index, value);
		}
	}

	private static void setNullable(PreparedStatement statement, int index, @Nullable String value)
			throws SQLException {
		if (value == null) {
			statement.setNull(index, Types.VARCHAR);
		}
		else {
			statement.setString(index, value);
		}
	}

}
