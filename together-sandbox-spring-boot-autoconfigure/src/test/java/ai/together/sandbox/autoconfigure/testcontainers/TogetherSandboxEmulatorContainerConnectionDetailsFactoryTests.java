package ai.together.sandbox.autoconfigure.testcontainers;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.TestContainerConnectionSources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link TogetherSandboxEmulatorContainerConnectionDetailsFactory}, with a
 * container stand-in instead of Docker.
 */
class TogetherSandboxEmulatorContainerConnectionDetailsFactoryTests {

	@ServiceConnection(name = "together-sandbox-emulator")
	private static Object named;

	@ServiceConnection
	private static Object unnamed;

	private final TogetherSandboxEmulatorContainerConnectionDetailsFactory factory =
			new TogetherSandboxEmulatorContainerConnectionDetailsFactory();

	@Test
	void readsTheBaseUrlAndTheKeyFromTheCommand() throws Exception {
		Container<?> container = container(new String[] { "--port", "8080", "--bind", "0.0.0.0", "--api-key",
				"container-key" }, List.of(9999), Map.of(), "");
		TogetherSandboxConnectionDetails details = details(source("any/image:1", "named", container));
		assertThat(details.getBaseUrl()).isEqualTo("http://docker.example:32080");
		assertThat(details.getApiKey()).isEqualTo("container-key");
	}

	@Test
	void fallsBackToTheExposedPortAndTheEnvironment() throws Exception {
		Container<?> container = container(new String[] { "--api-key=ignored-when-empty" }, List.of(8080),
				Map.of("TOGETHER_API_KEY", "env-key"), "");
		TogetherSandboxConnectionDetails details = details(
				source("together-sandbox-emulator:latest", "unnamed", container));
		assertThat(details.getBaseUrl()).isEqualTo("http://docker.example:32080");
		// The command wins over the environment.
		assertThat(details.getApiKey()).isEqualTo("ignored-when-empty");

		Container<?> withEnvironment = container(new String[0], List.of(8080), Map.of("TOGETHER_API_KEY", "env-key"),
				"");
		assertThat(details(source("together-sandbox-emulator:latest", "unnamed", withEnvironment)).getApiKey())
			.isEqualTo("env-key");
	}

	@Test
	void readsAGeneratedKeyFromTheLogs() throws Exception {
		Container<?> container = container(new String[] { "--port", "8080" }, List.of(8080), Map.of(),
				"Together Sandbox emulator listening on http://0.0.0.0:8080\nAPI key (generated): emu_abc123\n");
		assertThat(details(source("any/image:1", "named", container)).getApiKey()).isEqualTo("emu_abc123");
	}

	@Test
	void ignoresOtherContainers() {
		Container<?> container = container(new String[0], List.of(6379), Map.of(), "");
		assertThat(this.factory.getConnectionDetails(source("redis:7", "unnamed", container))).isNull();
	}

	@Test
	void isRegisteredAsAConnectionDetailsFactory() {
		Container<?> container = container(new String[] { "--api-key", "k" }, List.of(8080), Map.of(), "");
		Map<Class<?>, ?> details = new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(source("together-sandbox-emulator:1.0", "unnamed", container), false);
		assertThat(details).containsKey(TogetherSandboxConnectionDetails.class);
	}

	private TogetherSandboxConnectionDetails details(ContainerConnectionSource<Container<?>> source) throws Exception {
		TogetherSandboxConnectionDetails details = this.factory.getConnectionDetails(source);
		assertThat(details).isNotNull();
		// As the context does for the bean before anyone reads it.
		((InitializingBean) details).afterPropertiesSet();
		return details;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ContainerConnectionSource<Container<?>> source(String imageName, String field,
			Container<?> container) {
		ServiceConnection annotation;
		try {
			annotation = TogetherSandboxEmulatorContainerConnectionDetailsFactoryTests.class.getDeclaredField(field)
				.getAnnotation(ServiceConnection.class);
		}
		catch (NoSuchFieldException ex) {
			throw new IllegalStateException(ex);
		}
		return TestContainerConnectionSources.create((Class) Container.class, imageName, annotation, () -> container);
	}

	private static Container<?> container(String[] command, List<Integer> exposedPorts, Map<String, String> env,
			String logs) {
		return (Container<?>) Proxy.newProxyInstance(Container.class.getClassLoader(),
				new Class<?>[] { Container.class },
				(proxy, method, args) -> answer(method.getName(), args, command, exposedPorts, env, logs));
	}

	private static @Nullable Object answer(String method, Object @Nullable [] args, String[] command,
			List<Integer> exposedPorts, Map<String, String> env, String logs) {
		return switch (method) {
			case "getCommandParts" -> command;
			case "getExposedPorts" -> exposedPorts;
			case "getEnvMap" -> env;
			case "getLogs" -> logs;
			case "getHost" -> "docker.example";
			case "getMappedPort" -> 24000 + (Integer) args[0];
			case "toString" -> "container stand-in";
			case "hashCode" -> 1;
			case "equals" -> false;
			default -> throw new UnsupportedOperationException(method);
		};
	}

}
