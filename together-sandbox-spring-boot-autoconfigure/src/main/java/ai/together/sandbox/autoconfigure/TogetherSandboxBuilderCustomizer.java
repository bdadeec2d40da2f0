package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ReactiveTogetherSandbox;

/**
 * Customizes the builder of the auto-configured client after the {@code together.sandbox.*}
 * settings are applied and before it is built, for example to add a
 * {@link ai.together.sandbox.retry.RetryListener} or replace the retry configuration. Customizers run
 * in {@link org.springframework.core.Ordered order}; the blocking {@code TogetherSandbox} bean is
 * the view of the customized reactive client.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@FunctionalInterface
public interface TogetherSandboxBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder
	 */
	void customize(ReactiveTogetherSandbox.Builder builder);

}
