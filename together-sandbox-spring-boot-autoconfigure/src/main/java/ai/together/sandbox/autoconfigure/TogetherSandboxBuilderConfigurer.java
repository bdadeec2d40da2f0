package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ClientBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies the connection details and the {@code together.sandbox.*} timeouts to a client builder,
 * the way the auto-configured client gets them; useful to build further clients (for example
 * one per tenant) that share the application's settings.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class TogetherSandboxBuilderConfigurer {

	private final TogetherSandboxConnectionDetails connectionDetails;

	private final TogetherSandboxProperties properties;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Creates the configurer.
	 * @param connectionDetails the connection details
	 * @param properties the properties
	 * @param classLoader the application's class loader, to explain a missing API key
	 */
	public TogetherSandboxBuilderConfigurer(TogetherSandboxConnectionDetails connectionDetails,
			TogetherSandboxProperties properties, @Nullable ClassLoader classLoader) {
		this.connectionDetails = connectionDetails;
		this.properties = properties;
		this.classLoader = classLoader;
	}

	/**
	 * Applies the API key, the base URL, the connect, response and lifecycle timeouts and the
	 * stream idle timeout.
	 * @param <B> the builder type
	 * @param builder the builder
	 * @return the builder
	 * @throws IllegalStateException when the connection details provide no API key (a startup
	 * failure that names {@code together.sandbox.api-key} and {@code TOGETHER_API_KEY})
	 */
	public <B extends ClientBuilder<B>> B configure(B builder) {
		String apiKey = this.connectionDetails.getApiKey();
		if (!StringUtils.hasText(apiKey)) {
			throw new MissingApiKeyException(emulatorState());
		}
		return builder.apiKey(apiKey)
			.baseUrl(this.connectionDetails.getBaseUrl())
			.connectTimeout(this.properties.getConnectTimeout())
			.responseTimeout(this.properties.getResponseTimeout())
			.lifecycleTimeout(this.properties.getLifecycleTimeout())
			.streamIdleTimeout(this.properties.getStreamIdleTimeout());
	}

	private String emulatorState() {
		if (!ClassUtils.isPresent(EmbeddedEmulatorConfiguration.EMULATOR_CLASS, this.classLoader)) {
			return "The embedded emulator is not available: together-sandbox-emulator is not on the classpath.";
		}
		if (!this.properties.getEmulator().isEnabled()) {
			return "The embedded emulator is disabled (together.sandbox.emulator.enabled=false).";
		}
		return "The embedded emulator did not start because connection details are defined ("
				+ this.connectionDetails.getClass().getSimpleName() + "), and they provide no API key.";
	}

}
