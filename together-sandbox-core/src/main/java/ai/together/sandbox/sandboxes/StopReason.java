package ai.together.sandbox.sandboxes;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Why a sandbox stopped.
 * Values the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StopReason extends ApiValue {

	/** {@code start_failed}. */
	public static final StopReason START_FAILED = new StopReason("start_failed", true);

	/** {@code shutdown}. */
	public static final StopReason SHUTDOWN = new StopReason("shutdown", true);

	/** {@code hibernated}. */
	public static final StopReason HIBERNATED = new StopReason("hibernated", true);

	/** {@code crashed}. */
	public static final StopReason CRASHED = new StopReason("crashed", true);

	/** {@code oom_killed}. */
	public static final StopReason OOM_KILLED = new StopReason("oom_killed", true);

	/** {@code evicted}. */
	public static final StopReason EVICTED = new StopReason("evicted", true);

	/** {@code node_lost}. */
	public static final StopReason NODE_LOST = new StopReason("node_lost", true);

	/** {@code cluster_lost}. */
	public static final StopReason CLUSTER_LOST = new StopReason("cluster_lost", true);

	private static final Map<String, StopReason> KNOWN = index(START_FAILED, SHUTDOWN, HIBERNATED, CRASHED, OOM_KILLED, EVICTED, NODE_LOST, CLUSTER_LOST);

	private StopReason(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static StopReason of(String value) {
		StopReason known = KNOWN.get(value);
		return (known != null) ? known : new StopReason(value, false);
	}

}
