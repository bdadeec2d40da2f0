package ai.together.sandbox.sandboxes;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * State of a sandbox's recovery after a node failure.
 * Values the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RecoveryStatus extends ApiValue {

	/** {@code pending}. */
	public static final RecoveryStatus PENDING = new RecoveryStatus("pending", true);

	/** {@code recovered}. */
	public static final RecoveryStatus RECOVERED = new RecoveryStatus("recovered", true);

	/** {@code canceled}. */
	public static final RecoveryStatus CANCELED = new RecoveryStatus("canceled", true);

	/** {@code unrecoverable}. */
	public static final RecoveryStatus UNRECOVERABLE = new RecoveryStatus("unrecoverable", true);

	private static final Map<String, RecoveryStatus> KNOWN = index(PENDING, RECOVERED, CANCELED, UNRECOVERABLE);

	private RecoveryStatus(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static RecoveryStatus of(String value) {
		RecoveryStatus known = KNOWN.get(value);
		return (known != null) ? known : new RecoveryStatus(value, false);
	}

}
