package ai.together.sandbox.sample;

import org.springframework.boot.SpringApplication;

/**
 * Runs the sample application from its test classpath with the {@code emulator} profile
 * ({@code src/test/resources/application-emulator.yml}): the embedded emulator serves the client
 * whatever API key the shell exports, and the sample's snapshot alias is registered at startup.
 * {@code ./mvnw -pl sample-app spring-boot:test-run} starts it (the service on port 8080).
 */
public final class TestSampleApplication {

	private TestSampleApplication() {
	}

	/**
	 * Runs the application.
	 * @param args command-line arguments, e.g. {@code --server.port=0}
	 */
	public static void main(String[] args) {
		SpringApplication.from(SampleApplication::main).withAdditionalProfiles("emulator").run(args);
	}

}
