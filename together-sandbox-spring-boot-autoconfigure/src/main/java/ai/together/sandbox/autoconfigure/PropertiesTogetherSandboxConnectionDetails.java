package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ClientBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Adapts {@link TogetherSandboxProperties} to {@link TogetherSandboxConnectionDetails}, falling
 * back to the {@code TOGETHER_API_KEY} and {@code TOGETHER_BASE_URL} environment variables the
 * plain client reads.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class PropertiesTogetherSandboxConnectionDetails implements TogetherSandboxConnectionDetails {

	private final TogetherSandboxProperties properties;

	private final Environment environment;

	/**
	 * Creates the connection details.
	 * @param properties the properties
	 * @param environment where the environment variables are read from
	 */
	public PropertiesTogetherSandboxConnectionDetails(TogetherSandboxProperties properties, Environment environment) {
		this.properties = properties;
		this.environment = environment;
	}

	@Override
	public @Nullable String getApiKey() {
		return firstText(apiKeyOrNull(this.properties.getApiKey()),
				apiKeyOrNull(this.environment.getProperty(ClientBuilder.API_KEY_ENV)));
	}

	/**
	 * Returns a configured API key, or {@code null} when the value means "no key": blank, or an
	 * unresolved placeholder such as {@code ${TOGETHER_API_KEY}} (the binder keeps the literal
	 * when the variable is not set, and it must not be sent as a key).
	 * @param value the configured value
	 * @return the key, trimmed, or {@code null}
	 */
	static @Nullable String apiKeyOrNull(@Nullable String value) {
		if (!StringUtils.hasText(value) || value.contains("${")) {
			return null;
		}
		return value.trim();
	}

	@Override
	public String getBaseUrl() {
		String url = firstText(this.properties.getBaseUrl(), this.environment.getProperty(ClientBuilder.BASE_URL_ENV));
		return (url != null) ? url : this.properties.getApiGeneration().defaultBaseUrl();
	}

	private static @Nullable String firstText(@Nullable String first, @Nullable String second) {
		if (StringUtils.hasText(first)) {
			return first.trim();
		}
		return StringUtils.hasText(second) ? second.trim() : null;
	}

	@Override
	public String toString() {
		return "PropertiesTogetherSandboxConnectionDetails[baseUrl=" + getBaseUrl() + "]";
	}

}
