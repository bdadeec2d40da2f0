package ai.together.sandbox.current;

import ai.together.sandbox.internal.util.Args;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What happens to a sandbox's file system when it terminates: a sandbox with a termination
 * policy is snapshotted; one without is ephemeral (deleted with nothing kept).
 *
 * @param snapshot the snapshot taken on termination
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record TerminationPolicy(@JsonProperty("snapshot") TerminationSnapshot snapshot) {

	/**
	 * Validates the policy.
	 */
	public TerminationPolicy {
		Args.notNull(snapshot, "snapshot");
	}

	/**
	 * A policy that snapshots on termination.
	 * @param snapshot the snapshot settings
	 * @return the policy
	 */
	public static TerminationPolicy snapshot(TerminationSnapshot snapshot) {
		return new TerminationPolicy(snapshot);
	}

}
