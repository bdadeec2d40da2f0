package ai.together.sandbox.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.test.AutoConfigureTogetherSandboxEmulator.Replace;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Turns {@link AutoConfigureTogetherSandboxEmulator} into the starter's emulator properties, in a
 * property source first in the test's environment. A property source rather than beans because
 * the auto-configuration decides whether the emulator starts from the environment, while it reads
 * its configuration classes.
 */
class EmulatorContextCustomizerFactory implements ContextCustomizerFactory {

	/** The name of the property source, as the {@code env} endpoint shows it. */
	static final String PROPERTY_SOURCE_NAME = "togetherSandboxEmulatorTest";

	private static final String PREFIX = "together.sandbox.emulator.";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureTogetherSandboxEmulator annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureTogetherSandboxEmulator.class);
		if (annotation == null) {
			return null;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		if (annotation.replace() == Replace.ANY) {
			properties.put(PREFIX + "mode", "always");
		}
		String[] aliases = annotation.snapshotAliases();
		for (int i = 0; i < aliases.length; i++) {
			// Indexed, so that an alias is never split at a comma; the starter validates each one.
			properties.put(PREFIX + "snapshot-aliases[" + i + "]", aliases[i]);
		}
		return properties.isEmpty() ? null
				: new EmulatorPropertiesCustomizer(Map.copyOf(properties), annotation.replace() == Replace.ANY);
	}

	/**
	 * Adds the properties and, for {@code replace = ANY}, the {@link ConnectionDetailsReplacer};
	 * equal customizers let tests share a cached context.
	 *
	 * @param properties the emulator properties
	 * @param replaceAny whether application-defined connection details are replaced
	 */
	record EmulatorPropertiesCustomizer(Map<String, Object> properties, boolean replaceAny) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, this.properties));
			if (this.replaceAny && context instanceof BeanDefinitionRegistry registry) {
				registry.registerBeanDefinition(ConnectionDetailsReplacer.BEAN_NAME, ConnectionDetailsReplacer.definition());
			}
		}

	}

}
