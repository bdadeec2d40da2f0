package ai.together.sandbox.sample;

import ai.together.sandbox.sample.demo.DemoRunner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A small Spring Boot service that uses the Together Sandbox starter: an HTTP API that runs
 * commands in fresh sandboxes (reactive client), Actuator health, metrics and Prometheus
 * endpoints, and a demo job (blocking client) that the {@code demo} profile runs before exiting.
 * Without an API key the sandboxes run in the embedded emulator; the {@code together} profile
 * uses Together Sandbox.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	/**
	 * Runs the application; with the demo enabled, runs the demo and exits with its outcome
	 * (0 on success).
	 * @param args command-line arguments, e.g. {@code --spring.profiles.active=demo}
	 */
	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, args);
		if (context.getBeanProvider(DemoRunner.class).getIfAvailable() != null) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
