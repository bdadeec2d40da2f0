package ai.together.sandbox.sample.runs;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a run is. {@link #FINISHED}, {@link #FAILED} and {@link #CANCELLED} are final.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public enum RunStatus {

	/** Making sure the snapshot exists and creating the sandbox. */
	CREATING,

	/** Starting the sandbox. */
	STARTING,

	/** Writing the files. */
	WRITING,

	/** The command runs. */
	RUNNING,

	/** Shutting the sandbox down. */
	STOPPING,

	/** The command exited (with any exit code) and the sandbox was shut down. */
	FINISHED,

	/** A step failed (not the command: a non-zero exit code is a finished run). */
	FAILED,

	/** The application stopped during the run. */
	CANCELLED;

	/**
	 * Whether the run is over.
	 * @return {@code true} for a final status
	 */
	public boolean isFinal() {
		return this == FINISHED || this == FAILED || this == CANCELLED;
	}

	/**
	 * Returns the JSON form, the name in lower case.
	 * @return the JSON value
	 */
	@JsonValue
	public String jsonValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
