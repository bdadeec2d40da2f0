package ai.together.sandbox.autoconfigure;

import ai.together.sandbox.ReactiveTogetherSandbox;

/**
 * Customizes the {@code togetherSandboxBuilder} bean, from which the auto-configured client (and
 * any client the application builds from that bean) is built, for example to add a
 * {@link ai.together.sandbox.retry.RetryListener} or replace the retry configuration. Customizers
 * run in {@link org.springframework.core.Ordered order}. The one that applies the
 * {@code together.sandbox.*} settings and the connection details has order {@code 0}, so an
 * unordered customizer, or one with a positive order, runs after it and can override them. The
 * blocking {@code TogetherSandbox} bean is the view of the customized reactive client.
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
