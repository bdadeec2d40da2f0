package ai.together.sandbox.execs;

import java.util.Locale;
import java.util.Set;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;
import org.jspecify.annotations.Nullable;

/**
 * The status of an exec. The API documents {@code running}, {@code stopped} and
 * {@code finished}, while real agents have been seen to send upper case ({@code RUNNING}), so
 * values compare <em>case-insensitively</em>: {@code ExecStatus.of("RUNNING").equals(RUNNING)}.
 * {@link #value()} keeps the spelling the agent sent. Values the API adds later are kept
 * ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ExecStatus extends ApiValue {

	/** {@code running}. */
	public static final ExecStatus RUNNING = new ExecStatus("running", true);

	/** {@code stopped}. */
	public static final ExecStatus STOPPED = new ExecStatus("stopped", true);

	/** {@code finished}. */
	public static final ExecStatus FINISHED = new ExecStatus("finished", true);

	private static final Set<String> KNOWN = Set.of("running", "stopped", "finished");

	private ExecStatus(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string, keeping its spelling.
	 * @param value the wire string, in any case
	 * @return the value
	 */
	@JsonCreator
	public static ExecStatus of(String value) {
		return new ExecStatus(value, KNOWN.contains(normalized(value)));
	}

	/**
	 * Whether the exec is running.
	 * @return {@code true} for {@code running} in any case
	 */
	public boolean isRunning() {
		return equals(RUNNING);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ExecStatus status && normalized(status.value()).equals(normalized(value()));
	}

	@Override
	public int hashCode() {
		return normalized(value()).hashCode();
	}

	private static String normalized(String value) {
		return value.toLowerCase(Locale.ROOT);
	}

}
