package ai.together.sandbox.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An invalid {@code together.sandbox.*} value fails the startup with Spring Boot's report, which
 * names the property, its value, its origin and the rule, without a Bean Validation provider on
 * the classpath. One test per property.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertiesValidationTests {

	@Test
	void checksWithoutABeanValidationProvider() {
		assertThat(ClassUtils.isPresent("jakarta.validation.Validator", null)).isFalse();
	}

	@Test
	void acceptsTheDefaults() {
		TogetherSandboxProperties properties = new TogetherSandboxProperties();
		properties.bindingEnvironment(new StandardEnvironment());
		properties.afterPropertiesSet();
		assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(3);
	}

	@Test
	void rejectsAnInvalidValueThatDidNotComeFromTheEnvironment() {
		// Set after binding (by code of the application): binding again finds nothing invalid.
		TogetherSandboxProperties properties = new TogetherSandboxProperties();
		properties.bindingEnvironment(new StandardEnvironment());
		properties.getDefaults().setMillicpu(100);
		assertThatIllegalStateException().isThrownBy(properties::afterPropertiesSet)
			.withMessageContaining("defaults.millicpu must be at least 250 and a multiple of 250");
	}

	@Test
	void rejectsMaxAttemptsBelowOne(CapturedOutput output) {
		assertStartupFails(output, "retry.max-attempts", "-1", "-1", "must be at least 1");
	}

	@Test
	void rejectsABaseUrlThatIsNotAnHttpUrl(CapturedOutput output) {
		assertStartupFails(output, "base-url", "not-a-url", "not-a-url", "must be an absolute http or https URL");
	}

	@Test
	void rejectsANonPositiveConnectTimeout(CapturedOutput output) {
		assertStartupFails(output, "connect-timeout", "0s", "PT0S", "must be positive");
	}

	@Test
	void rejectsMaxConnectionsBelowOne(CapturedOutput output) {
		assertStartupFails(output, "max-connections", "0", "0", "must be at least 1");
	}

	@Test
	void rejectsMaxConnectionsTotalBelowOne(CapturedOutput output) {
		assertStartupFails(output, "max-connections-total", "0", "0", "must be at least 1");
	}

	@Test
	void rejectsANonPositiveResponseTimeout(CapturedOutput output) {
		assertStartupFails(output, "response-timeout", "-5s", "PT-5S", "must be positive");
	}

	@Test
	void rejectsANonPositiveLifecycleTimeout(CapturedOutput output) {
		assertStartupFails(output, "lifecycle-timeout", "0", "PT0S", "must be positive");
	}

	@Test
	void rejectsANonPositiveStreamIdleTimeout(CapturedOutput output) {
		assertStartupFails(output, "stream-idle-timeout", "-1m", "PT-1M", "must be positive");
	}

	@Test
	void rejectsANegativeInitialDelay(CapturedOutput output) {
		assertStartupFails(output, "retry.initial-delay", "-100ms", "PT-0.1S", "must not be negative");
	}

	@Test
	void rejectsANegativeJitter(CapturedOutput output) {
		assertStartupFails(output, "retry.jitter", "-1ms", "PT-0.001S", "must not be negative");
	}

	@Test
	void rejectsANegativeMaxDelay(CapturedOutput output) {
		assertStartupFails(output, "retry.max-delay", "-1s", "PT-1S", "must not be negative");
	}

	@Test
	void rejectsAMultiplierBelowOne(CapturedOutput output) {
		assertStartupFails(output, "retry.multiplier", "0.5", "0.5", "must be a finite number of at least 1");
	}

	@Test
	void rejectsStatusesThatAreNotHttpErrorStatuses(CapturedOutput output) {
		assertStartupFails(output, "retry.statuses", "200,999", "[200, 999]", "must hold HTTP error statuses (400-599), had 200, 999");
	}

	@Test
	void rejectsANonPositiveHealthTimeout(CapturedOutput output) {
		assertStartupFails(output, "health.timeout", "0s", "PT0S", "must be positive");
	}

	@Test
	void rejectsMillicpuThatIsNotAMultipleOf250(CapturedOutput output) {
		assertStartupFails(output, "defaults.millicpu", "300", "300", "must be at least 250 and a multiple of 250");
	}

	@Test
	void rejectsANonPositiveMemory(CapturedOutput output) {
		assertStartupFails(output, "defaults.memory", "0GB", "0B", "must be positive");
	}

	@Test
	void rejectsANonPositiveDisk(CapturedOutput output) {
		assertStartupFails(output, "defaults.disk", "0B", "0B", "must be positive");
	}

	@Test
	void rejectsAnEmulatorPortOutOfRange(CapturedOutput output) {
		assertStartupFails(output, "emulator.port", "70000", "70000", "must be between 0 and 65535");
	}

	@Test
	void rejectsAnEmulatorSnapshotAliasWithoutNamespace(CapturedOutput output) {
		assertStartupFails(output, "emulator.snapshot-aliases", "my-app@v1,plain", "[my-app@v1, plain]",
				"must hold aliases of the form namespace@alias (no whitespace, '/' or second '@'), had 'plain'");
	}

	/**
	 * Starts an application with the property and checks Boot's report. It names the property
	 * by its Java path (as for Bean Validation) and the bound value, and its origin by the
	 * canonical name as written.
	 */
	private static void assertStartupFails(CapturedOutput output, String property, String value, String shownValue,
			String reason) {
		String name = TogetherSandboxProperties.CONFIG_PREFIX + "." + property;
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.addInitializers(new HermeticEnvironment());
		assertThatException().isThrownBy(() -> application
			.run("--" + name + "=" + value, "--together.sandbox.api-key=test-key").close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: " + javaPath(name) + System.lineSeparator())
			.contains("Value: \"" + shownValue + "\"")
			.contains("Origin: \"" + name + "\" from property source \"commandLineArgs\"")
			.contains("Reason: " + reason);
	}

	private static String javaPath(String name) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : name.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(TogetherSandboxAutoConfiguration.class)
	static class Config {

	}

}
