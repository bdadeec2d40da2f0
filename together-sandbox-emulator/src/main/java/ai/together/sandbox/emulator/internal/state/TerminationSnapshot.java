package ai.together.sandbox.emulator.internal.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a termination snapshots: the TerminationSnapshot model of the current management API.
 * Every part is optional; the snapshot is always aliased {@code sandbox:<sandbox id>} as well.
 *
 * @param aliases further aliases of the snapshot, or {@code null}
 * @param ttl seconds after which the snapshot is retired, or {@code null}
 * @param tags the tags of the snapshot, or {@code null}
 */
public record TerminationSnapshot(@Nullable List<String> aliases, @Nullable Long ttl,
		@Nullable Map<String, String> tags) {

	/** Copies the collections. */
	public TerminationSnapshot {
		aliases = aliases == null ? null : List.copyOf(aliases);
		tags = tags == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
	}

}
