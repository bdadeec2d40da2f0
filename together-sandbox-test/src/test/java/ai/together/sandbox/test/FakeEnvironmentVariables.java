package ai.together.sandbox.test;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Replaces the machine's environment variables of a test context with a developer's shell that
 * exports an account: {@code TOGETHER_API_KEY}, {@code TOGETHER_BASE_URL} (unreachable) and
 * {@code TOGETHER_SANDBOX_EMULATOR_MODE=never}, in the property source where Spring puts the real
 * variables, so that they rank and relax as real ones do.
 */
class FakeEnvironmentVariables implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final Map<String, Object> VARIABLES = Map.of("TOGETHER_API_KEY", EmulatorTestApplication.ENVIRONMENT_API_KEY,
			"TOGETHER_BASE_URL", EmulatorTestApplication.UNREACHABLE_BASE_URL, "TOGETHER_SANDBOX_BASE_URL",
			EmulatorTestApplication.UNREACHABLE_BASE_URL, "TOGETHER_SANDBOX_EMULATOR_MODE", "never");

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, VARIABLES));
	}

}
