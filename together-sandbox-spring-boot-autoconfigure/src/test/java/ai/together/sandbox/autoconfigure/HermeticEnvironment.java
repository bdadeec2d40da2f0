package ai.together.sandbox.autoconfigure;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Removes the machine's environment variables from a test context, so that a
 * {@code TOGETHER_API_KEY} or {@code TOGETHER_BASE_URL} set on the machine cannot change what a
 * test sees; tests set them as properties instead, or fake them with
 * {@link #withVariables(Map)}.
 */
public final class HermeticEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private final Map<String, Object> variables;

	/**
	 * An environment without any environment variable.
	 */
	public HermeticEnvironment() {
		this(Map.of());
	}

	private HermeticEnvironment(Map<String, Object> variables) {
		this.variables = variables;
	}

	/**
	 * An environment whose only environment variables are the given ones, in the property source
	 * where Spring puts the real ones (so that they rank and relax as real variables do).
	 * @param variables the fake environment variables
	 * @return the initializer
	 */
	public static HermeticEnvironment withVariables(Map<String, Object> variables) {
		return new HermeticEnvironment(Map.copyOf(variables));
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		if (!this.variables.isEmpty()) {
			context.getEnvironment()
				.getPropertySources()
				.addLast(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, this.variables));
		}
	}

}
