package ai.together.sandbox.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.observation.TogetherSandboxClientObservationConvention;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Scope;
import org.springframework.core.env.Environment;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the Together Sandbox client: {@link ReactiveTogetherSandbox} and its
 * blocking view {@link TogetherSandbox}, built from the prototype
 * {@code togetherSandboxBuilder} ({@link ReactiveTogetherSandbox.Builder}). The builder runs the
 * {@link TogetherSandboxBuilderCustomizer}s in order; the first, in order {@code 0}, applies
 * {@link TogetherSandboxConnectionDetails}, the {@code together.sandbox.*} timeouts,
 * {@link RetryConfig}, the application's {@code WebClient.Builder} (so its codecs, SSL bundles
 * and {@code http.client.requests} metrics apply) and its {@link ObservationRegistry}. Every bean
 * backs off when the application defines its own. When {@code together-sandbox-emulator} is on the classpath and no API key is
 * configured, an embedded emulator starts and stops with the context.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnClass(TogetherSandbox.class)
@ConditionalOnBooleanProperty(name = TogetherSandboxProperties.CONFIG_PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(TogetherSandboxProperties.class)
@Import(EmbeddedEmulatorConfiguration.class)
public final class TogetherSandboxAutoConfiguration {

	/**
	 * Name (or qualifier) of an application {@link RetryPolicy} bean that the client adapts
	 * into its {@link RetryConfig}.
	 */
	public static final String RETRY_POLICY_BEAN_NAME = "togetherSandboxRetryPolicy";

	TogetherSandboxAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(TogetherSandboxConnectionDetails.class)
	PropertiesTogetherSandboxConnectionDetails togetherSandboxConnectionDetails(TogetherSandboxProperties properties,
			Environment environment) {
		if (properties.getEmulator().effectiveMode() == TogetherSandboxProperties.Emulator.Mode.ALWAYS) {
			// The emulator did not start although it must: never fall back to Together Sandbox.
			throw new InvalidConfigurationPropertyValueException(EmbeddedEmulatorConfiguration.MODE_PROPERTY, "always",
					"together-sandbox-emulator is not on the classpath, and mode 'always' never uses Together Sandbox."
							+ " Add ai.together.sandbox:together-sandbox-emulator (for example as a test dependency).");
		}
		return new PropertiesTogetherSandboxConnectionDetails(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	RetryConfig togetherSandboxRetryConfig(TogetherSandboxProperties properties, ListableBeanFactory beanFactory) {
		TogetherSandboxProperties.Retry retry = properties.getRetry();
		RetryConfig config = RetryConfig.builder()
			.maxAttempts(retry.getMaxAttempts())
			.initialDelay(retry.getInitialDelay())
			.multiplier(retry.getMultiplier())
			.jitter(retry.getJitter())
			.maxDelay(retry.getMaxDelay())
			.retryableStatuses(retry.getStatuses())
			.retryTransportErrors(retry.isTransportErrors())
			.excludedOperations(retry.getExcludedOperations())
			.build();
		RetryPolicy policy = retryPolicy(beanFactory);
		return (policy != null) ? RetryPolicyAdapter.adapt(config, policy) : config;
	}

	/**
	 * Returns the application's {@link RetryPolicy} named or qualified
	 * {@value #RETRY_POLICY_BEAN_NAME}, or {@code null} when it has none (other policies are
	 * ignored).
	 * @throws NoUniqueBeanDefinitionException when several match
	 */
	private static @Nullable RetryPolicy retryPolicy(ListableBeanFactory beanFactory) {
		// One lookup by type, qualifiers read only when a policy exists: a @Qualifier injection
		// point instead costs every startup two annotation proxy classes, with or without one.
		List<String> matches = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(RetryPolicy.class, true, false)) {
			if (BeanFactoryAnnotationUtils.isQualifierMatch(RETRY_POLICY_BEAN_NAME::equals, name, beanFactory)) {
				matches.add(name);
			}
		}
		if (matches.size() > 1) {
			throw new NoUniqueBeanDefinitionException(RetryPolicy.class, matches);
		}
		return matches.isEmpty() ? null : beanFactory.getBean(matches.get(0), RetryPolicy.class);
	}

	@Bean
	@Scope("prototype")
	@ConditionalOnMissingBean
	CreateSandboxRequest.Builder togetherSandboxCreateRequestBuilder(TogetherSandboxProperties properties) {
		TogetherSandboxProperties.Defaults defaults = properties.getDefaults();
		return CreateSandboxRequest.builder()
			.snapshotAlias(defaults.getSnapshotAlias())
			.millicpu(defaults.getMillicpu())
			.memoryBytes(defaults.getMemory().toBytes())
			.diskBytes(defaults.getDisk().toBytes())
			.ephemeral(defaults.getEphemeral());
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	TogetherSandbox togetherSandbox(ReactiveTogetherSandbox reactiveTogetherSandbox) {
		// A view: closing the reactive client (its own bean) releases the shared resources once.
		return reactiveTogetherSandbox.blocking();
	}

	/**
	 * Offers the client builder, with the application's settings and customizers applied, when
	 * the application defines none.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(ReactiveTogetherSandbox.Builder.class)
	static class BuilderConfiguration {

		@Bean
		PropertiesTogetherSandboxBuilderCustomizer propertiesTogetherSandboxBuilderCustomizer(
				TogetherSandboxConnectionDetails connectionDetails, TogetherSandboxProperties properties,
				RetryConfig retryConfig, ObjectProvider<WebClient.Builder> webClientBuilder,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<TogetherSandboxClientObservationConvention> observationConvention,
				ApplicationContext context) {
			return new PropertiesTogetherSandboxBuilderCustomizer(connectionDetails, properties, retryConfig,
					webClientBuilder, observationRegistry, observationConvention, context.getClassLoader());
		}

		/**
		 * A prototype: each injection point (or {@code ObjectProvider.getObject()}) gets a fresh
		 * builder, for example to build one more client per tenant with the same settings.
		 */
		@Bean
		@Scope("prototype")
		ReactiveTogetherSandbox.Builder togetherSandboxBuilder(
				ObjectProvider<TogetherSandboxBuilderCustomizer> customizers) {
			ReactiveTogetherSandbox.Builder builder = ReactiveTogetherSandbox.builder();
			// A loop, not a lambda: a lambda here would spin a class at every startup.
			for (TogetherSandboxBuilderCustomizer customizer : customizers.orderedStream().toList()) {
				customizer.customize(builder);
			}
			return builder;
		}

	}

	/**
	 * Builds the reactive client when the application defines neither client.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean({ ReactiveTogetherSandbox.class, TogetherSandbox.class })
	static class ReactiveClientConfiguration {

		@Bean(destroyMethod = "close")
		ReactiveTogetherSandbox reactiveTogetherSandbox(ReactiveTogetherSandbox.Builder togetherSandboxBuilder) {
			return togetherSandboxBuilder.build();
		}

		@Bean
		TogetherSandboxClientShutdown togetherSandboxClientShutdown(ReactiveTogetherSandbox reactiveTogetherSandbox,
				ApplicationContext context) {
			if (context.getAutowireCapableBeanFactory() instanceof ConfigurableListableBeanFactory beanFactory) {
				// Stopped in the same phase as the HTTP resources, but first: a dependent is
				// stopped before what it depends on.
				for (String name : beanFactory.getBeanNamesForType(ReactorResourceFactory.class, false, false)) {
					beanFactory.registerDependentBean(name, "togetherSandboxClientShutdown");
				}
			}
			return new TogetherSandboxClientShutdown(reactiveTogetherSandbox, context);
		}

	}

	/**
	 * Offers the reactive style of an application-defined blocking client.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(TogetherSandbox.class)
	@ConditionalOnMissingBean(ReactiveTogetherSandbox.class)
	static class ReactiveViewConfiguration {

		@Bean(destroyMethod = "")
		ReactiveTogetherSandbox reactiveTogetherSandbox(TogetherSandbox togetherSandbox) {
			// The application's bean owns the client and closes it.
			return togetherSandbox.reactive();
		}

	}

	/**
	 * Masks the API key in the {@code configprops} and {@code env} actuator endpoints even when
	 * they are set to show values.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SanitizingConfiguration {

		@Bean
		SanitizingFunction togetherSandboxApiKeySanitizingFunction() {
			Predicate<String> isApiKey = (key) -> {
				String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
				return normalized.endsWith("togethersandboxapikey") || normalized.equals("togetherapikey");
			};
			return SanitizingFunction.sanitizeValue().ifKeyMatches(isApiKey);
		}

	}

}
