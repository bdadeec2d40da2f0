package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ClientBuilder;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts the local emulator with the context and points the client at it, when
 * {@code together-sandbox-emulator} is on the classpath, no API key is configured
 * ({@code together.sandbox.api-key} or {@code TOGETHER_API_KEY}), no connection details are
 * defined and {@code together.sandbox.emulator.enabled} is not {@code false}; as Spring Boot
 * starts an embedded database when no URL is set.
 *
 * @author together-sandbox-java
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = EmbeddedEmulatorConfiguration.EMULATOR_CLASS)
@ConditionalOnBooleanProperty(name = TogetherSandboxProperties.CONFIG_PREFIX + ".emulator.enabled",
		matchIfMissing = true)
@ConditionalOnMissingBean(TogetherSandboxConnectionDetails.class)
@Conditional(EmbeddedEmulatorConfiguration.NoApiKeyCondition.class)
class EmbeddedEmulatorConfiguration {

	/** The class that tells whether the emulator is on the classpath. */
	static final String EMULATOR_CLASS = "ai.together.sandbox.emulator.SandboxEmulator";

	private static final Log logger = LogFactory.getLog(EmbeddedEmulatorConfiguration.class);

	@Bean(destroyMethod = "close")
	SandboxEmulator togetherSandboxEmulator(TogetherSandboxProperties properties) {
		TogetherSandboxProperties.Emulator settings = properties.getEmulator();
		SandboxEmulator emulator = SandboxEmulator.start(EmulatorOptions.builder()
			.port(settings.getPort())
			.bindAddress("127.0.0.1")
			.apiKey(null)
			.dataDirectory(settings.getDataDir())
			.build());
		logger.warn("No Together Sandbox API key is configured (together.sandbox.api-key or TOGETHER_API_KEY):"
				+ " the client uses the embedded emulator at " + emulator.baseUrl() + ", which runs sandboxes as local"
				+ " directories and processes. Set an API key to use Together Sandbox, or"
				+ " together.sandbox.emulator.enabled=false to fail without one.");
		return emulator;
	}

	@Bean
	TogetherSandboxConnectionDetails togetherSandboxConnectionDetails(SandboxEmulator togetherSandboxEmulator) {
		return new EmulatorConnectionDetails(togetherSandboxEmulator);
	}

	/**
	 * The connection details of the embedded emulator.
	 */
	static final class EmulatorConnectionDetails implements TogetherSandboxConnectionDetails {

		private final SandboxEmulator emulator;

		EmulatorConnectionDetails(SandboxEmulator emulator) {
			this.emulator = emulator;
		}

		@Override
		public String getApiKey() {
			return this.emulator.apiKey();
		}

		@Override
		public String getBaseUrl() {
			return this.emulator.baseUrl();
		}

		@Override
		public String toString() {
			return "EmulatorConnectionDetails[baseUrl=" + getBaseUrl() + "]";
		}

	}

	/**
	 * Matches when neither {@code together.sandbox.api-key} nor {@code TOGETHER_API_KEY} has a
	 * value; a blank value and an unresolved placeholder ({@code ${TOGETHER_API_KEY}}) count as
	 * none.
	 */
	static final class NoApiKeyCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String property = TogetherSandboxProperties.CONFIG_PREFIX + ".api-key";
			String key = Binder.get(context.getEnvironment()).bind(property, String.class).orElse(null);
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
