package ai.together.sandbox.autoconfigure.health;

import java.time.Duration;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.retry.RetryConfig;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code togetherSandbox} health contributor
 * ({@link TogetherSandboxHealthIndicator}), switched with
 * {@code management.health.together-sandbox.enabled}. The check uses the application's
 * {@link ReactiveTogetherSandbox} through
 * {@link ReactiveTogetherSandbox#withOptions(java.util.function.Consumer) withOptions}: the same
 * connections, settings and customizations, but retries disabled and
 * {@code together.sandbox.health.timeout} as response timeout, and checks through the management
 * API of {@code together.sandbox.api-generation}. It is not part of the readiness
 * group unless configured there: an outage of the remote service should not take the
 * application out of rotation.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@AutoConfiguration(after = TogetherSandboxAutoConfiguration.class)
@ConditionalOnClass({ ReactiveTogetherSandbox.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ReactiveTogetherSandbox.class)
@ConditionalOnEnabledHealthIndicator("together-sandbox")
@EnableConfigurationProperties(TogetherSandboxProperties.class)
public final class TogetherSandboxHealthContributorAutoConfiguration {

	TogetherSandboxHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = { "togetherSandboxHealthIndicator", "togetherSandboxHealthContributor" })
	HealthContributor togetherSandboxHealthContributor(ReactiveTogetherSandbox reactiveTogetherSandbox,
			TogetherSandboxProperties properties) {
		// A health check answers fast and asks once.
		Duration timeout = properties.getHealth().getTimeout();
		ReactiveTogetherSandbox client = reactiveTogetherSandbox
			.withOptions((options) -> options.retry(RetryConfig.disabled()).responseTimeout(timeout));
		return new TogetherSandboxHealthIndicator(client, timeout, properties.getHealth().getSandboxes(),
				properties.getApiGeneration());
	}

}
