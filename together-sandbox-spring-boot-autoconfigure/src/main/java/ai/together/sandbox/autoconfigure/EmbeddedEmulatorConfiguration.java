package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ClientBuilder;
import ai.together.sandbox.emulator.SandboxEmulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts the local emulator with the context and points the client at it, when
 * {@code together-sandbox-emulator} is on the classpath, no connection details are defined and
 * {@code together.sandbox.emulator.mode} is {@code always}, or {@code when-no-key} (the
 * default) and no API key is configured ({@code together.sandbox.api-key} or
 * {@code TOGETHER_API_KEY}); as Spring Boot starts an embedded database when no URL is set.
 *
 * @author together-sandbox-java
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = EmbeddedEmulatorConfiguration.EMULATOR_CLASS)
@ConditionalOnMissingBean(TogetherSandboxConnectionDetails.class)
@Conditional(EmbeddedEmulatorConfiguration.EmulatorModeCondition.class)
class EmbeddedEmulatorConfiguration {

	/** The property that chooses when the emulator starts. */
	static final String MODE_PROPERTY = TogetherSandboxProperties.CONFIG_PREFIX + ".emulator.mode";

	/** The deprecated switch that {@code never} replaces: {@code false} turns {@code when-no-key} into it. */
	static final String ENABLED_PROPERTY = TogetherSandboxProperties.CONFIG_PREFIX + ".emulator.enabled";

	/** The class that tells whether the emulator is on the classpath. */
	static final String EMULATOR_CLASS = "ai.together.sandbox.emulator.SandboxEmulator";

	private static final Log logger = LogFactory.getLog(EmbeddedEmulatorConfiguration.class);

	@Bean(destroyMethod = "close")
	SandboxEmulator togetherSandboxEmulator(TogetherSandboxProperties properties, Environment environment) {
		TogetherSandboxProperties.Emulator settings = properties.getEmulator();
		SandboxEmulator emulator = EmbeddedEmulators.start(settings);
		if (settings.effectiveMode() == TogetherSandboxProperties.Emulator.Mode.ALWAYS) {
			logger.info(MODE_PROPERTY + "=always: the client uses the embedded emulator at " + emulator.baseUrl()
					+ ignoredKey(properties, environment) + ".");
		}
		else {
			logger.warn("No Together Sandbox API key is configured (together.sandbox.api-key or TOGETHER_API_KEY):"
					+ " the client uses the embedded emulator at " + emulator.baseUrl() + ", which runs sandboxes as"
					+ " local directories and processes. Set an API key to use Together Sandbox, or " + MODE_PROPERTY
					+ "=never to fail without one.");
		}
		return emulator;
	}

	/**
	 * Names the API key that mode {@code always} ignores, never its value.
	 */
	private static String ignoredKey(TogetherSandboxProperties properties, Environment environment) {
		if (PropertiesTogetherSandboxConnectionDetails.apiKeyOrNull(properties.getApiKey()) != null) {
			return " and ignores the API key of " + TogetherSandboxProperties.CONFIG_PREFIX + ".api-key";
		}
		if (PropertiesTogetherSandboxConnectionDetails
			.apiKeyOrNull(environment.getProperty(ClientBuilder.API_KEY_ENV)) != null) {
			return " and ignores the API key of the " + ClientBuilder.API_KEY_ENV + " environment variable";
		}
		return "";
	}

	@Bean
	TogetherSandboxConnectionDetails togetherSandboxConnectionDetails(SandboxEmulator togetherSandboxEmulator) {
		return EmbeddedEmulators.connectionDetails(togetherSandboxEmulator);
	}

	/**
	 * Matches when {@code together.sandbox.emulator.mode} is {@code always}, or
	 * {@code when-no-key} (the default, unless the deprecated
	 * {@code together.sandbox.emulator.enabled} is {@code false}) and neither
	 * {@code together.sandbox.api-key} nor {@code TOGETHER_API_KEY} has a value; a blank value and
	 * an unresolved placeholder ({@code ${TOGETHER_API_KEY}}) count as none.
	 */
	static final class EmulatorModeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			// The scalar properties the answer needs: binding the whole emulator group here cost
			// several milliseconds of every startup (it is bound with the rest later).
			Binder binder = Binder.get(context.getEnvironment());
			TogetherSandboxProperties.Emulator.Mode mode = binder
				.bind(MODE_PROPERTY, TogetherSandboxProperties.Emulator.Mode.class)
				.orElse(TogetherSandboxProperties.Emulator.Mode.WHEN_NO_KEY);
			boolean enabled = binder.bind(ENABLED_PROPERTY, Boolean.class).orElse(true);
			switch (TogetherSandboxProperties.Emulator.effectiveMode(mode, enabled)) {
				case ALWAYS:
					return ConditionOutcome.match(MODE_PROPERTY + " is always");
				case NEVER:
					return ConditionOutcome.noMatch(MODE_PROPERTY + " is never");
				default:
					break;
			}
			String property = TogetherSandboxProperties.CONFIG_PREFIX + ".api-key";
			String key = binder.bind(property, String.class).orElse(null);
			if (PropertiesTogetherSandboxConnectionDetails.apiKeyOrNull(key) != null) {
				return ConditionOutcome.noMatch(property + " is set");
			}
			if (PropertiesTogetherSandboxConnectionDetails
				.apiKeyOrNull(context.getEnvironment().getProperty(ClientBuilder.API_KEY_ENV)) != null) {
				return ConditionOutcome.noMatch(ClientBuilder.API_KEY_ENV + " is set");
			}
			return ConditionOutcome.match("no API key is configured");
		}

	}

}
