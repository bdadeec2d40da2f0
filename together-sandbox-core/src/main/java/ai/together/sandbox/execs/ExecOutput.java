package ai.together.sandbox.execs;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One output message of an exec (the API's {@code ExecStdout}). {@link #toString()} does not print
 * the output text.
 *
 * @param type which output the text belongs to
 * @param output the text
 * @param sequence the message's position in the exec's output; pass the last one seen as
 * {@code lastSequence} to continue after it
 * @param timestamp when the output was produced, or {@code null} when the agent did not say
 * @param exitCode the process's exit code on the final message, {@code null} on the others
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ExecOutput(@JsonProperty("type") ExecOutputType type, @JsonProperty("output") String output,
		@JsonProperty("sequence") int sequence, @JsonProperty("timestamp") @Nullable Instant timestamp,
		@JsonProperty("exitCode") @Nullable Integer exitCode) {

	/**
	 * Tolerates fields the agent left out.
	 */
	public ExecOutput {
		type = (type != null) ? type : ExecOutputType.STDOUT;
		output = (output != null) ? output : "";
	}

	/**
	 * Whether this message reports that the process exited (it carries an exit code).
	 * @return {@code true} on the final message
	 */
	public boolean isExit() {
		return this.exitCode != null;
	}

	@Override
	public String toString() {
		return "ExecOutput[type=" + this.type + ", sequence=" + this.sequence + ", length=" + this.output.length()
				+ ((this.exitCode != null) ? ", exitCode=" + this.exitCode : "") + "]";
	}

}
