package ai.together.sandbox.autoconfigure.testcontainers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

/**
 * Creates {@link TogetherSandboxConnectionDetails} for a {@link ServiceConnection} container that
 * runs the Together Sandbox emulator ({@code java -jar together-sandbox-emulator-all.jar}): one
 * whose image repository is {@value #CONNECTION_NAME}, or any container annotated
 * {@code @ServiceConnection(name = "together-sandbox-emulator")}.
 * <ul>
 * <li>Base URL: {@code http://<container host>:<mapped port>}, for the port given with
 * {@code --port} in the container's command, or else its first exposed port.</li>
 * <li>API key: the value of {@code --api-key} in the command, else the container's
 * {@code TOGETHER_API_KEY} environment variable, else the generated key the emulator prints at
 * startup ({@code API key (generated): …}).</li>
 * </ul>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class TogetherSandboxEmulatorContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, TogetherSandboxConnectionDetails> {

	/** The connection name (image repository name) this factory accepts. */
	public static final String CONNECTION_NAME = "together-sandbox-emulator";

	private static final Pattern GENERATED_KEY = Pattern.compile("API key \\(generated\\): (\\S+)");

	/**
	 * Creates the factory.
	 */
	public TogetherSandboxEmulatorContainerConnectionDetailsFactory() {
		super(CONNECTION_NAME);
	}

	@Override
	protected TogetherSandboxConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<Container<?>> source) {
		return new EmulatorContainerConnectionDetails(source);
	}

	/**
	 * Reads the base URL of an emulator container.
	 * @param container the started container
	 * @return the base URL
	 */
	static String baseUrl(Container<?> container) {
		String port = option(container.getCommandParts(), "--port");
		int containerPort;
		if (port != null) {
			containerPort = Integer.parseInt(port);
		}
		else if (!container.getExposedPorts().isEmpty()) {
			containerPort = container.getExposedPorts().get(0);
		}
		else {
			throw new IllegalStateException("The emulator container exposes no port; expose the port given with"
					+ " --port (for example withExposedPorts(8080) and --port 8080)");
		}
		return "http://" + container.getHost() + ":" + container.getMappedPort(containerPort);
	}

	/**
	 * Reads the API key of an emulator container.
	 * @param container the started container
	 * @return the API key
	 */
	static @Nullable String apiKey(Container<?> container) {
		String key = option(container.getCommandParts(), "--api-key");
		if (key != null) {
			return key;
		}
		key = container.getEnvMap().get("TOGETHER_API_KEY");
		if (key != null && !key.isBlank()) {
			return key;
		}
		Matcher generated = GENERATED_KEY.matcher(container.getLogs());
		return generated.find() ? generated.group(1) : null;
	}

	private static @Nullable String option(String @Nullable [] commandParts, String name) {
		if (commandParts == null) {
			return null;
		}
		for (int i = 0; i < commandParts.length; i++) {
			String part = commandParts[i];
			if (part.equals(name) && i + 1 < commandParts.length) {
				return commandParts[i + 1];
			}
			if (part.startsWith(name + "=")) {
				return part.substring(name.length() + 1);
			}
		}
		return null;
	}

	/**
	 * {@link TogetherSandboxConnectionDetails} backed by a {@link ContainerConnectionSource}.
	 */
	static final class EmulatorContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements TogetherSandboxConnectionDetails {

		EmulatorContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public @Nullable String getApiKey() {
			return apiKey(getContainer());
		}

		@Override
		public String getBaseUrl() {
			return baseUrl(getContainer());
		}

	}

}
