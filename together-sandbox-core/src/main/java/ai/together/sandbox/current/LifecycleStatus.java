package ai.together.sandbox.current;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Status of a sandbox of the current API generation:
 * {@code starting → running → terminating → terminated}; {@code starting} may end in
 * {@code failed_to_start}, a crashed running sandbox goes {@code recovering} and, when that
 * fails, {@code unrecovered}. Values the API adds later are kept ({@link #isKnown()} is then
 * {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class LifecycleStatus extends ApiValue {

	/** {@code starting}. */
	public static final LifecycleStatus STARTING = new LifecycleStatus("starting", true);

	/** {@code running}. */
	public static final LifecycleStatus RUNNING = new LifecycleStatus("running", true);

	/** {@code terminating}. */
	public static final LifecycleStatus TERMINATING = new LifecycleStatus("terminating", true);

	/** {@code terminated}. */
	public static final LifecycleStatus TERMINATED = new LifecycleStatus("terminated", true);

	/** {@code failed_to_start}. */
	public static final LifecycleStatus FAILED_TO_START = new LifecycleStatus("failed_to_start", true);

	/** {@code recovering}. */
	public static final LifecycleStatus RECOVERING = new LifecycleStatus("recovering", true);

	/** {@code unrecovered}. */
	public static final LifecycleStatus UNRECOVERED = new LifecycleStatus("unrecovered", true);

	private static final Map<String, LifecycleStatus> KNOWN = index(STARTING, RUNNING, TERMINATING, TERMINATED,
			FAILED_TO_START, RECOVERING, UNRECOVERED);

	private LifecycleStatus(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static LifecycleStatus of(String value) {
		LifecycleStatus known = KNOWN.get(value);
		return (known != null) ? known : new LifecycleStatus(value, false);
	}

	/**
	 * Whether the sandbox is on its way to another status ({@code starting} or
	 * {@code terminating}): the statuses that a {@code wait} call waits out.
	 * @return {@code true} for a transient status
	 */
	public boolean isTransient() {
		return equals(STARTING) || equals(TERMINATING);
	}

}
