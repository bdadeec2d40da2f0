package ai.together.sandbox.execs;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Which output an {@link ExecOutput} message belongs to: {@code stdout} or {@code stderr}. Values
 * the API adds later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ExecOutputType extends ApiValue {

	/** {@code stdout}: standard output (also a PTY's output). */
	public static final ExecOutputType STDOUT = new ExecOutputType("stdout", true);

	/** {@code stderr}: standard error. */
	public static final ExecOutputType STDERR = new ExecOutputType("stderr", true);

	private static final Map<String, ExecOutputType> KNOWN = index(STDOUT, STDERR);

	private ExecOutputType(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static ExecOutputType of(String value) {
		ExecOutputType known = KNOWN.get(value);
		return (known != null) ? known : new ExecOutputType(value, false);
	}

}
