package ai.together.sandbox.current;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Why a sandbox of the current API generation has its {@link LifecycleStatus status}, for example
 * {@code cold_started} for {@code running} or {@code autoterminated} for {@code terminated} (its
 * time to live elapsed). Values the API adds later are kept ({@link #isKnown()} is then
 * {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StatusReason extends ApiValue {

	/** {@code cold_start_requested} (starting). */
	public static final StatusReason COLD_START_REQUESTED = new StatusReason("cold_start_requested", true);

	/** {@code restore_requested} (starting). */
	public static final StatusReason RESTORE_REQUESTED = new StatusReason("restore_requested", true);

	/** {@code cold_started} (running). */
	public static final StatusReason COLD_STARTED = new StatusReason("cold_started", true);

	/** {@code restored} (running). */
	public static final StatusReason RESTORED = new StatusReason("restored", true);

	/** {@code out_of_capacity} (failed to start). */
	public static final StatusReason OUT_OF_CAPACITY = new StatusReason("out_of_capacity", true);

	/** {@code internal_error} (failed to start). */
	public static final StatusReason INTERNAL_ERROR = new StatusReason("internal_error", true);

	/** {@code termination_requested} (terminated: a client asked for it). */
	public static final StatusReason TERMINATION_REQUESTED = new StatusReason("termination_requested", true);

	/** {@code autoterminated} (terminated: its time to live elapsed). */
	public static final StatusReason AUTOTERMINATED = new StatusReason("autoterminated", true);

	/** {@code crashed} (terminated). */
	public static final StatusReason CRASHED = new StatusReason("crashed", true);

	/** {@code oom_killed} (terminated). */
	public static final StatusReason OOM_KILLED = new StatusReason("oom_killed", true);

	/** {@code evicted} (terminated). */
	public static final StatusReason EVICTED = new StatusReason("evicted", true);

	/** {@code node_lost} (terminated). */
	public static final StatusReason NODE_LOST = new StatusReason("node_lost", true);

	/** {@code cluster_lost} (terminated). */
	public static final StatusReason CLUSTER_LOST = new StatusReason("cluster_lost", true);

	private static final Map<String, StatusReason> KNOWN = index(COLD_START_REQUESTED, RESTORE_REQUESTED,
			COLD_STARTED, RESTORED, OUT_OF_CAPACITY, INTERNAL_ERROR, TERMINATION_REQUESTED, AUTOTERMINATED, CRASHED,
			OOM_KILLED, EVICTED, NODE_LOST, CLUSTER_LOST);

	private StatusReason(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static StatusReason of(String value) {
		StatusReason known = KNOWN.get(value);
		return (known != null) ? known : new StatusReason(value, false);
	}

}
