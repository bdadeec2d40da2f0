package ai.together.sandbox.sandboxes;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Lifecycle status of a sandbox: {@code created → starting → running → stopping → stopped}.
 * Values the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxStatus extends ApiValue {

	/** {@code created}. */
	public static final SandboxStatus CREATED = new SandboxStatus("created", true);

	/** {@code starting}. */
	public static final SandboxStatus STARTING = new SandboxStatus("starting", true);

	/** {@code running}. */
	public static final SandboxStatus RUNNING = new SandboxStatus("running", true);

	/** {@code stopping}. */
	public static final SandboxStatus STOPPING = new SandboxStatus("stopping", true);

	/** {@code stopped}. */
	public static final SandboxStatus STOPPED = new SandboxStatus("stopped", true);

	private static final Map<String, SandboxStatus> KNOWN = index(CREATED, STARTING, RUNNING, STOPPING, STOPPED);

	private SandboxStatus(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static SandboxStatus of(String value) {
		SandboxStatus known = KNOWN.get(value);
		return (known != null) ? known : new SandboxStatus(value, false);
	}

}
