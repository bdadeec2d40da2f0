package ai.together.sandbox.internal.current;

import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.StatusReason;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.internal.util.Repr;

/**
 * The lifecycle checks of the current generation: a created sandbox must end up running with
 * agent connection details, a terminated one terminated. Failures are
 * {@link SandboxLifecycleException}s saying what the sandbox's status and reason mean.
 */
public final class Lifecycle {

	private Lifecycle() {
	}

	/**
	 * Checks that a sandbox runs and can be reached.
	 * @param details the sandbox as last reported
	 * @return the details
	 * @throws SandboxLifecycleException otherwise
	 */
	public static SandboxDetails requireRunning(SandboxDetails details) {
		String id = Repr.quote(details.id());
		LifecycleStatus status = details.status();
		if (!LifecycleStatus.RUNNING.equals(status)) {
			String message;
			if (LifecycleStatus.UNRECOVERED.equals(status)) {
				message = "Sandbox " + id + " crashed and could not be recovered" + reason(details)
						+ ". Create a new one, from its snapshot sandbox:" + details.id() + " if it left one.";
			}
			else if (LifecycleStatus.RECOVERING.equals(status)) {
				message = "Sandbox " + id + " is recovering from a crash" + reason(details)
						+ "; connect to it once it runs again.";
			}
			else if (status.isTransient()) {
				message = "Sandbox " + id + " is still " + status.value() + reason(details)
						+ " after the wait: the wait ended before it settled.";
			}
			else if (LifecycleStatus.FAILED_TO_START.equals(status)) {
				message = "Sandbox " + id + " failed to start" + reason(details) + "." + hint(details.statusReason());
			}
			else if (LifecycleStatus.TERMINATED.equals(status)) {
				message = "Sandbox " + id + " is terminated" + reason(details)
						+ "; a terminated sandbox never runs again: create a new one.";
			}
			else {
				message = "Sandbox " + id + " did not start: its status is " + status.value() + reason(details) + ".";
			}
			throw new SandboxLifecycleException(message, details.id(), status.value());
		}
		if (isBlank(details.agent().url()) || isBlank(details.agent().token())) {
			throw new SandboxLifecycleException("Sandbox " + id + " has no agent connection details", details.id(),
					status.value());
		}
		return details;
	}

	/**
	 * Checks that a sandbox is terminated.
	 * @param details the sandbox as last reported
	 * @return the details
	 * @throws SandboxLifecycleException otherwise
	 */
	public static SandboxDetails requireTerminated(SandboxDetails details) {
		LifecycleStatus status = details.status();
		if (LifecycleStatus.TERMINATED.equals(status)) {
			return details;
		}
		String id = Repr.quote(details.id());
		String message = LifecycleStatus.RUNNING.equals(status)
				? "Sandbox " + id + " is still running: the terminate request did not take effect."
				: "Failed to terminate sandbox " + id + ": its final status was " + status.value() + reason(details) + ".";
		throw new SandboxLifecycleException(message, details.id(), status.value());
	}

	private static String reason(SandboxDetails details) {
		String reason = details.statusReason().value();
		return reason.isEmpty() ? "" : " (status_reason: " + reason + ")";
	}

	private static String hint(StatusReason reason) {
		if (StatusReason.OUT_OF_CAPACITY.equals(reason)) {
			return " There is no capacity for it right now: try again later, or with less CPU or memory.";
		}
		if (StatusReason.INTERNAL_ERROR.equals(reason)) {
			return " The service failed: try again, and report it if it persists.";
		}
		return "";
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

}
