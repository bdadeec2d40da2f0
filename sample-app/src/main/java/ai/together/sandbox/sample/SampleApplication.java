package ai.together.sandbox.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small Spring Boot service that uses the Together Sandbox starter.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Runs the application.
	 * @param args command-line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
