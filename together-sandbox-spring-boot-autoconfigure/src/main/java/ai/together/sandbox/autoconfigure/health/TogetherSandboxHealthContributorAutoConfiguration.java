package ai.together.sandbox.autoconfigure.health;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.retry.RetryConfig;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the {@code togetherSandbox} health contributor
 * ({@link TogetherSandboxHealthIndicator}), switched with
 * {@code management.health.together-sandbox.enabled}. The check uses its own client, built from
 * the application's {@code togetherSandboxBuilder} (its settings and customizers), but with
 * retries disabled, {@code together.sandbox.health.timeout} as response timeout and no
 * observations. It is not part of the readiness group unless configured there: an
 * outage of the remote service should not take the application out of rotation.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@AutoConfiguration(after = TogetherSandboxAutoConfiguration.class)
@ConditionalOnClass({ ReactiveTogetherSandbox.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ ReactiveTogetherSandbox.class, TogetherSandboxConnectionDetails.class })
@ConditionalOnEnabledHealthIndicator("together-sandbox")
public final class TogetherSandboxHealthContributorAutoConfiguration {

	TogetherSandboxHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = { "togetherSandboxHealthIndicator", "togetherSandboxHealthContributor" })
	HealthContributor togetherSandboxHealthContributor(TogetherSandboxProperties properties,
			ObjectProvider<ReactiveTogetherSandbox.Builder> togetherSandboxBuilder,
			ObjectProvider<WebClient.Builder> webClientBuilder) {
		// Applied after the settings and customizers: a health check answers fast, once, and
		// stays out of the request metrics.
		ReactiveTogetherSandbox.Builder builder = togetherSandboxBuilder.getObject()
			.retry(RetryConfig.disabled())
			.responseTimeout(properties.getHealth().getTimeout())
			.observationRegistry(ObservationRegistry.NOOP);
		WebClient.Builder webClient = webClientBuilder.getIfAvailable(WebClient::builder);
		return new TogetherSandboxHealthIndicator(builder.build(), webClient.clone().build(),
				properties.getHealth().getTimeout(), properties.getHealth().getSandboxes());
	}

}
