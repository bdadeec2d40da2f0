package ai.together.sandbox.ai;

import ai.together.sandbox.ai.SandboxToolCallEvent.Outcome;

/**
 * A tool call that did not do its work, with a short message for the model. It never has a cause
 * (so that nothing of the failure but the message travels on) and no stack trace.
 */
final class SandboxToolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Outcome outcome;

	SandboxToolException(Outcome outcome, String message) {
		super(message, null, false, false);
		this.outcome = outcome;
	}

	Outcome outcome() {
		return this.outcome;
	}

}
