package ai.together.sandbox.emulator.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads and saves {@code state.json}. A save takes the copy of the state and writes it under one
 * lock, so that saves are written in the order their copies were taken and an older copy never
 * replaces a newer one.
 */
final class StateStore {

	private static final Log logger = LogFactory.getLog(StateStore.class);

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		// The file of an older or newer emulator may have keys this one does not know.
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final Path file;

	private final Object lock = new Object();

	StateStore(Path dataDirectory) {
		this.file = dataDirectory.resolve("state.json");
	}

	/**
	 * Reads the saved state. An entry that cannot be read is skipped, and an unreadable file reads
	 * as no state.
	 * @return the state, or {@code null} when there is none
	 */
	@Nullable StateDocument load() {
		if (!Files.isRegularFile(this.file)) {
			return null;
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(Files.readAllBytes(this.file));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring unreadable emulator state " + this.file + ": " + ex.getMessage());
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

	/**
	 * Takes a copy of the state and writes it, both under the lock.
	 * @param state takes the copy
	 */
	void save(Supplier<StateDocument> state) {
		synchronized (this.lock) {
			try {
				Path tmp = this.file.resolveSibling("state.json.tmp");
				Files.write(tmp, MAPPER.writeValueAsBytes(state.get()));
				Files.move(tmp, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Could not save the emulator state to " + this.file + ": " + ex.getMessage());
			}
		}
	}

}
