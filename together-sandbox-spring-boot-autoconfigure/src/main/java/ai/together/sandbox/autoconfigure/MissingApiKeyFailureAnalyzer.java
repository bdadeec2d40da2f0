package ai.together.sandbox.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link MissingApiKeyException}: which property and environment variable to set,
 * and how to develop without an account.
 *
 * @author together-sandbox-java
 */
class MissingApiKeyFailureAnalyzer extends AbstractFailureAnalyzer<MissingApiKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingApiKeyException cause) {
		String description = "The Together Sandbox client needs an API key, and none is configured: neither the '"
				+ TogetherSandboxProperties.CONFIG_PREFIX + ".api-key' property nor the TOGETHER_API_KEY environment"
				+ " variable is set. " + cause.getEmulatorState();
		String action = "Set the '" + TogetherSandboxProperties.CONFIG_PREFIX
				+ ".api-key' property (for example together.sandbox.api-key=${TOGETHER_API_KEY:} in application.yml)"
				+ " or the TOGETHER_API_KEY environment variable. To develop without an account, add"
				+ " ai.together.sandbox:together-sandbox-emulator to the classpath and leave the key unset: the"
				+ " local emulator then starts with the application.";
		return new FailureAnalysis(description, action, cause);
	}

}
