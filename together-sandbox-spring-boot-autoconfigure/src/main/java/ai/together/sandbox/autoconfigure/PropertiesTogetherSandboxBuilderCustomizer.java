package ai.together.sandbox.autoconfigure;

import java.util.function.Supplier;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.retry.RetryConfig;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The {@link TogetherSandboxBuilderCustomizer} that applies the application's settings, in order
 * {@code 0}, so that the application's own customizers (unordered, or ordered after it) can
 * override them: the connection details (API key and base URL), the
 * {@code together.sandbox.*} timeouts, the {@link RetryConfig} bean, the
 * {@link ObservationRegistry} and observation convention, and a fresh Boot
 * {@code WebClient.Builder}, taken when the client makes its first call (whose codecs, SSL bundles
 * and {@code http.client.requests} metrics then apply; without one the client keeps its own pool,
 * where the connect timeout applies).
 *
 * @author together-sandbox-java
 */
final class PropertiesTogetherSandboxBuilderCustomizer implements TogetherSandboxBuilderCustomizer, Ordered {

	/** The order of this customizer. */
	static final int ORDER = 0;

	private final TogetherSandboxConnectionDetails connectionDetails;

	private final TogetherSandboxProperties properties;

	private final RetryConfig retryConfig;

	private final ObjectProvider<WebClient.Builder> webClientBuilder;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<TogetherSandboxClientObservationConvention> observationConvention;

	private final @Nullable ClassLoader classLoader;

	PropertiesTogetherSandboxBuilderCustomizer(TogetherSandboxConnectionDetails connectionDetails,
			TogetherSandboxProperties properties, RetryConfig retryConfig,
			ObjectProvider<WebClient.Builder> webClientBuilder, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<TogetherSandboxClientObservationConvention> observationConvention,
			@Nullable ClassLoader classLoader) {
		this.connectionDetails = connectionDetails;
		this.properties = properties;
		this.retryConfig = retryConfig;
		this.webClientBuilder = webClientBuilder;
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
		this.classLoader = classLoader;
	}

	/**
	 * Applies the settings.
	 * @param builder the builder
	 * @throws MissingApiKeyException when the connection details provide no API key (a startup
	 * failure that names {@code together.sandbox.api-key} and {@code TOGETHER_API_KEY})
	 */
	@Override
	public void customize(ReactiveTogetherSandbox.Builder builder) {
		String apiKey = this.connectionDetails.getApiKey();
		if (!StringUtils.hasText(apiKey)) {
			throw new MissingApiKeyException(emulatorState());
		}
		builder.apiKey(apiKey)
			.baseUrl(this.connectionDetails.getBaseUrl())
			.connectTimeout(this.properties.getConnectTimeout())
			.maxConnections(this.properties.getMaxConnections())
			.responseTimeout(this.properties.getResponseTimeout())
			.lifecycleTimeout(this.properties.getLifecycleTimeout())
			.streamIdleTimeout(this.properties.getStreamIdleTimeout())
			.retry(this.retryConfig);
		// No method references in this method: each would spin a class at every startup.
		// Without a registry the client keeps its default (no observations), taken on its first call.
		ObservationRegistry registry = this.observationRegistry.getIfUnique();
		if (registry != null) {
			builder.observationRegistry(registry);
		}
		Integer maxConnectionsTotal = this.properties.getMaxConnectionsTotal();
		if (maxConnectionsTotal != null) {
			builder.maxConnectionsTotal(maxConnectionsTotal);
		}
		builder.lazyWebClientBuilder(new BootWebClientBuilder(this.webClientBuilder));
		TogetherSandboxClientObservationConvention convention = this.observationConvention.getIfAvailable();
		if (convention != null) {
			builder.observationConvention(convention);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Boot's {@code WebClient.Builder}, taken on the client's first call, not at startup: a
	 * prototype, so each client gets its own (and clones it again); without one the client keeps
	 * its own pool.
	 */
	private static final class BootWebClientBuilder implements Supplier<WebClient.@Nullable Builder> {

		private final ObjectProvider<WebClient.Builder> provider;

		BootWebClientBuilder(ObjectProvider<WebClient.Builder> provider) {
			this.provider = provider;
		}

		@Override
		public WebClient.@Nullable Builder get() {
			return this.provider.getIfAvailable();
		}

	}

	private String emulatorState() {
		if (!ClassUtils.isPresent(EmbeddedEmulatorConfiguration.EMULATOR_CLASS, this.classLoader)) {
			return "The embedded emulator is not available: together-sandbox-emulator is not on the classpath.";
		}
		TogetherSandboxProperties.Emulator emulator = this.properties.getEmulator();
		if (emulator.getMode() == TogetherSandboxProperties.Emulator.Mode.NEVER) {
			return "The embedded emulator is disabled (" + EmbeddedEmulatorConfiguration.MODE_PROPERTY + "=never).";
		}
		if (emulator.effectiveMode() == TogetherSandboxProperties.Emulator.Mode.NEVER) {
			return "The embedded emulator is disabled (together.sandbox.emulator.enabled=false, deprecated: use "
					+ EmbeddedEmulatorConfiguration.MODE_PROPERTY + "=never).";
		}
		return "The embedded emulator did not start because connection details are defined ("
				+ this.connectionDetails.getClass().getSimpleName() + "), and they provide no API key.";
	}

}
