package ai.together.sandbox.execs;

import java.time.Duration;

/**
 * The outcome of {@code execs().run(..)}: a command run to completion. {@link #toString()} does
 * not print the output.
 *
 * @param execId the id of the exec that ran the command
 * @param exitCode the process's exit code
 * @param stdout everything written to standard output
 * @param stderr everything written to standard error
 * @param duration from the exec's creation request to the exit message
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ExecResult(String execId, int exitCode, String stdout, String stderr, Duration duration) {

	/**
	 * Whether the command succeeded (exit code 0).
	 * @return {@code true} for exit code 0
	 */
	public boolean isSuccess() {
		return this.exitCode == 0;
	}

	@Override
	public String toString() {
		return "ExecResult[execId=" + this.execId + ", exitCode=" + this.exitCode + ", stdout=" + this.stdout.length()
				+ " chars, stderr=" + this.stderr.length() + " chars, duration=" + this.duration + "]";
	}

}
