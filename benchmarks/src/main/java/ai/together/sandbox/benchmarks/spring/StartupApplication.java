package ai.together.sandbox.benchmarks.spring;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.benchmarks.harness.ChildJvm;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.metrics.StartupStep;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The application of target 6: a Spring Boot application with nothing of its own, started once
 * in a fresh JVM, either with the Together Sandbox starter's auto-configurations ({@code with})
 * or with them excluded ({@code without}); the classpath is the same. With
 * {@code --webclient} it also builds a {@code WebClient} of its own at startup, as an application
 * that already calls HTTP services with WebClient does, so that the HTTP stack is loaded in both
 * modes. Prints the time {@code SpringApplication.run} took, the JVM uptime when the context was
 * ready, the numbers of beans and of loaded classes, how long the client beans took to create,
 * and whether a {@link TogetherSandbox} bean exists, then closes the context.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class StartupApplication {

	/** The auto-configurations of the starter (its {@code AutoConfiguration.imports}). */
	public static final String STARTER_AUTO_CONFIGURATIONS = String.join(",",
			"ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration",
			"ai.together.sandbox.autoconfigure.health.TogetherSandboxHealthContributorAutoConfiguration",
			"ai.together.sandbox.autoconfigure.observation.TogetherSandboxMetricsAutoConfiguration");

	private static final Set<String> CLIENT_BEANS = Set.of("reactiveTogetherSandbox", "togetherSandbox");

	/**
	 * The application's own {@code WebClient}, built at startup when {@code benchmark.webclient}
	 * is set.
	 * @param builder Spring Boot's builder
	 * @return the client
	 */
	@Bean
	@ConditionalOnBooleanProperty("benchmark.webclient")
	WebClient applicationWebClient(WebClient.Builder builder) {
		return builder.build();
	}

	/**
	 * Starts and closes the application once.
	 * @param args {@code with} or {@code without}, the base URL the client is pointed at, and
	 * optionally {@code --webclient}
	 */
	public static void main(String[] args) {
		boolean withStarter = args[0].equals("with");
		boolean webClient = args.length > 2 && args[2].equals("--webclient");
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("together.sandbox.api-key", "startup-benchmark-key");
		properties.put("together.sandbox.base-url", args[1]);
		properties.put("benchmark.webclient", Boolean.toString(webClient));
		if (!withStarter) {
			properties.put("spring.autoconfigure.exclude", STARTER_AUTO_CONFIGURATIONS);
		}
		SpringApplication application = new SpringApplication(StartupApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(properties);
		BufferingApplicationStartup steps = new BufferingApplicationStartup(20_000);
		application.setApplicationStartup(steps);
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = application.run()) {
			long runNanos = System.nanoTime() - started;
			long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
			boolean client = context.getBeanProvider(TogetherSandbox.class).getIfAvailable() != null;
			if (client != withStarter) {
				throw new IllegalStateException("TogetherSandbox bean present: " + client + ", expected " + withStarter);
			}
			System.out.println(ChildJvm.RESULT_PREFIX + "mode=" + args[0] + " runMicros=" + runNanos / 1000
					+ " uptimeMs=" + uptime + " beans=" + context.getBeanDefinitionCount() + " classes="
					+ ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() + " clientBeanMicros="
					+ clientBeanMicros(steps) + " client=" + client);
		}
		// The CPU time of the whole process so far, JVM start-up and the context's closing included.
		long cpuNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		// The main thread's alone: what the starter adds runs there, while the JIT compiler and
		// GC threads add a noise of their own to the whole process's figure.
		long mainNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
		System.out.println(ChildJvm.RESULT_PREFIX + "cpuMicros=" + cpuNanos / 1000 + " mainCpuMicros=" + mainNanos / 1000);
	}

	/**
	 * The time spent instantiating the client beans (the outermost of them; nested dependencies
	 * are included in their parent's step).
	 */
	private static long clientBeanMicros(BufferingApplicationStartup steps) {
		long micros = 0;
		for (var event : steps.getBufferedTimeline().getEvents()) {
			StartupStep step = event.getStartupStep();
			if (!step.getName().equals("spring.beans.instantiate")) {
				continue;
			}
			for (StartupStep.Tag tag : step.getTags()) {
				if (tag.getKey().equals("beanName") && CLIENT_BEANS.contains(tag.getValue())) {
					micros = Math.max(micros, event.getDuration().toNanos() / 1000);
				}
			}
		}
		return micros;
	}

}
