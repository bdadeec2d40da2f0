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
		return firstText(this.properties.getApiKey(), this.environment.getProperty(ClientBuilder.API_KEY_ENV));
	}

	@Override
	public String getBaseUrl() {
		String url = firstText(this.properties.getBaseUrl(), this.environment.getProperty(ClientBuilder.BASE_URL_ENV));
		return (url != null) ? url : ClientBuilder.DEFAULT_BASE_URL;
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
