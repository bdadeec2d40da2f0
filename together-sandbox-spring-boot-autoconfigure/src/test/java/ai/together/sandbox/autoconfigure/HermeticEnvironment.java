package ai.together.sandbox.autoconfigure;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/**
 * Removes the machine's environment variables from a test context, so that a
 * {@code TOGETHER_API_KEY} or {@code TOGETHER_BASE_URL} set on the machine cannot change what a
 * test sees; tests set them as properties instead.
 */
public final class HermeticEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
	}

}
