package ai.together.sandbox.autoconfigure.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container running the emulator connects the client through {@code @ServiceConnection}.
 * Needs Docker (skipped without it) and the emulator's executable jar from its module's build.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = TogetherSandboxEmulatorContainerTests.Application.class,
		properties = "together.sandbox.emulator.mode=never")
class TogetherSandboxEmulatorContainerTests {

	private static final Path EMULATOR_JAR = Path.of("..", "together-sandbox-emulator", "target",
			"together-sandbox-emulator-0.1.0-SNAPSHOT-all.jar");

	@Container
	@ServiceConnection(name = TogetherSandboxEmulatorContainerConnectionDetailsFactory.CONNECTION_NAME)
	static GenericContainer<?> emulator = new GenericContainer<>(new ImageFromDockerfile()
		.withFileFromPath("emulator.jar", emulatorJar())
		.withDockerfileFromBuilder((dockerfile) -> dockerfile.from("eclipse-temurin:17-jre")
			.copy("emulator.jar", "/emulator.jar")
			.build()))
		.withCommand("java", "-jar", "/emulator.jar", "--port", "8080", "--bind", "0.0.0.0", "--api-key",
				"container-key")
		.withExposedPorts(8080);

	@Autowired
	private TogetherSandboxConnectionDetails connectionDetails;

	@Autowired
	private TogetherSandbox client;

	@Test
	void connectsTheClientToTheContainer() {
		assertThat(this.connectionDetails.getApiKey()).isEqualTo("container-key");
		assertThat(this.client.baseUrl())
			.isEqualTo("http://" + emulator.getHost() + ":" + emulator.getMappedPort(8080));
		assertThat(this.client.sandboxes().list()).isEmpty();
	}

	private static Path emulatorJar() {
		if (!Files.isRegularFile(EMULATOR_JAR)) {
			throw new IllegalStateException(
					"Build the emulator first (./mvnw -pl together-sandbox-emulator package): " + EMULATOR_JAR);
		}
		return EMULATOR_JAR;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(TogetherSandboxAutoConfiguration.class)
	static class Application {

	}

}
