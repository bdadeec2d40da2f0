package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code state.json}, where emulators before {@code state.db} kept their state, so that
 * {@link SqliteStateStore} can import it once.
 */
final class LegacyStateFile {

	private static final Log logger = LogFactory.getLog(LegacyStateFile.class);

	/** Snake case, as the file was written; also writes the build logs column of the database. */
	static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		// The file of an older or newer emulator may have keys this one does not know.
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private LegacyStateFile() {
	}

	/**
	 * Reads a state file. An entry that cannot be read is skipped.
	 * @param file the file
	 * @return the state, or {@code null} when the file cannot be read (a WARN says why)
	 */
	static @Nullable StateDocument read(Path file) {
		JsonNode root;
		try {
			root = MAPPER.readTree(Files.readAllBytes(file));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring unreadable emulator state " + file + ": " + ex.getMessage());
			return null;
		}
		return new StateDocument(StateDocument.VERSION, entries(root, "sandboxes", SandboxRecord.class),
				entries(root, "snapshots", SnapshotRecord.class), entries(root, "aliases", AliasRecord.class),
				entries(root, "builds", BuildRecord.class));
	}

	private static <T> List<T> entries(JsonNode root, String name, Class<T> type) {
		List<T> entries = new ArrayList<>();
		for (JsonNode entry : root.path(name)) {
			try {
				entries.add(MAPPER.treeToValue(entry, type));
			}
			catch (RuntimeException ex) {
				logger.warn("Ignoring an entry of '" + name + "' in the saved state: " + ex.getMessage());
			}
		}
		return entries;
	}

}
