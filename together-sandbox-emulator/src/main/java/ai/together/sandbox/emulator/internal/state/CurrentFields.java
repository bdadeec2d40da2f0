package ai.together.sandbox.emulator.internal.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a sandbox created through the current API generation ({@code /v1}) has beyond the seed
 * record: saved inside its {@link SandboxRecord} (snake case), absent for a seed sandbox.
 *
 * @param cpu the CPU in cores
 * @param ttl seconds after creation until it is terminated automatically, or {@code null}
 * @param tags its tags
 * @param terminationPolicy what its termination snapshots, {@code null} for an ephemeral sandbox
 * @param terminationReason why it is terminating or terminated ({@code termination_requested} or
 * {@code autoterminated}), {@code null} before a termination began
 */
public record CurrentFields(double cpu, @Nullable Long ttl, Map<String, String> tags,
		@Nullable TerminationSnapshot terminationPolicy, @Nullable String terminationReason) {

	/** Copies the tags; missing ones (an older file) read as none. */
	public CurrentFields {
		tags = tags == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
	}

	/**
	 * The same fields with the reason of a termination that has begun.
	 * @param reason the reason
	 * @return the fields
	 */
	CurrentFields terminating(String reason) {
		return new CurrentFields(this.cpu, this.ttl, this.tags, this.terminationPolicy, reason);
	}

}
