package ai.together.sandbox.sandboxes;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How a sandbox was last started: resumed from hibernation or cold-started.
 * Values the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StartType extends ApiValue {

	/** {@code resume}. */
	public static final StartType RESUME = new StartType("resume", true);

	/** {@code cold_start}. */
	public static final StartType COLD_START = new StartType("cold_start", true);

	private static final Map<String, StartType> KNOWN = index(RESUME, COLD_START);

	private StartType(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static StartType of(String value) {
		StartType known = KNOWN.get(value);
		return (known != null) ? known : new StartType(value, false);
	}

}
