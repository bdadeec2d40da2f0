package ai.together.sandbox.sandboxes;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How a sandbox is stopped: shut down or hibernated (memory kept for a fast resume).
 * Values the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StopType extends ApiValue {

	/** {@code shutdown}. */
	public static final StopType SHUTDOWN = new StopType("shutdown", true);

	/** {@code hibernate}. */
	public static final StopType HIBERNATE = new StopType("hibernate", true);

	private static final Map<String, StopType> KNOWN = index(SHUTDOWN, HIBERNATE);

	private StopType(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static StopType of(String value) {
		StopType known = KNOWN.get(value);
		return (known != null) ? known : new StopType(value, false);
	}

}
