package ai.together.sandbox.snapshots;

import java.util.List;

import ai.together.sandbox.errors.TogetherSandboxException;
import org.jspecify.annotations.Nullable;

/**
 * Building the image of a snapshot failed: the remote build reported an error, its log stream
 * could not be followed to the end, a {@code docker} command failed, or Docker is not
 * available for a local build. The message says which, and for a failed build ends with the
 * last lines of its log ({@link #logTail()}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class SnapshotBuildException extends TogetherSandboxException {

	private static final long serialVersionUID = 1L;

	private final List<String> logTail;

	/**
	 * Creates an exception.
	 * @param message what failed (and the log tail, when there is one)
	 * @param logTail the last log lines of the build, oldest first (may be empty)
	 * @param cause the underlying failure, or {@code null}
	 */
	public SnapshotBuildException(String message, List<String> logTail, @Nullable Throwable cause) {
		super(message, cause);
		this.logTail = List.copyOf(logTail);
	}

	/**
	 * Returns the last lines of the build's log that were received before the failure, oldest
	 * first; empty when the failure happened before any log line arrived.
	 * @return the log tail
	 */
	public List<String> logTail() {
		return this.logTail;
	}

}
