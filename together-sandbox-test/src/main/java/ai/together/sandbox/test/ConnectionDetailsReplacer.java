package ai.together.sandbox.test;

import ai.together.sandbox.autoconfigure.EmbeddedEmulators;
import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.emulator.SandboxEmulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * For {@code replace = ANY}: replaces the connection details that the application (or a
 * {@code @ServiceConnection}) defines with the emulator's. With such a bean the
 * auto-configuration's embedded emulator backs off whatever the mode, so this starts the
 * emulator itself, from the same {@code together.sandbox.emulator.*} properties. It runs after
 * the configuration classes are read, when their bean definitions are known.
 */
class ConnectionDetailsReplacer implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

	/** The name of this post-processor's bean definition. */
	static final String BEAN_NAME = "ai.together.sandbox.test.connectionDetailsReplacer";

	private static final Log logger = LogFactory.getLog(ConnectionDetailsReplacer.class);

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
			return;
		}
		String[] defined = beanFactory.getBeanNamesForType(TogetherSandboxConnectionDetails.class, true, false);
		if (defined.length == 0 || beanFactory.getBeanNamesForType(SandboxEmulator.class, true, false).length > 0) {
			// No connection details, or the auto-configured emulator's: nothing to replace.
			return;
		}
		for (String name : defined) {
			logger.info("@AutoConfigureTogetherSandboxEmulator replaces the TogetherSandboxConnectionDetails bean '"
					+ name + "' with the embedded emulator's");
			registry.removeBeanDefinition(name);
		}
		Environment environment = this.environment;
		RootBeanDefinition emulator = new RootBeanDefinition(SandboxEmulator.class, () -> start(environment));
		emulator.setDestroyMethodName("close");
		registry.registerBeanDefinition("togetherSandboxEmulator", emulator);
		RootBeanDefinition details = new RootBeanDefinition(TogetherSandboxConnectionDetails.class,
				() -> EmbeddedEmulators.connectionDetails(beanFactory.getBean(SandboxEmulator.class)));
		registry.registerBeanDefinition("togetherSandboxConnectionDetails", details);
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

	private static SandboxEmulator start(@Nullable Environment environment) {
		TogetherSandboxProperties.Emulator settings = (environment != null) ? Binder.get(environment)
			.bind(TogetherSandboxProperties.CONFIG_PREFIX + ".emulator", TogetherSandboxProperties.Emulator.class)
			.orElseGet(TogetherSandboxProperties.Emulator::new) : new TogetherSandboxProperties.Emulator();
		SandboxEmulator emulator = EmbeddedEmulators.start(settings);
		logger.info("@AutoConfigureTogetherSandboxEmulator: the client uses the embedded emulator at "
				+ emulator.baseUrl() + ".");
		return emulator;
	}

	/**
	 * The post-processor's bean definition, with the infrastructure role.
	 * @return the bean definition
	 */
	static RootBeanDefinition definition() {
		RootBeanDefinition definition = new RootBeanDefinition(ConnectionDetailsReplacer.class);
		definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
		return definition;
	}

}
