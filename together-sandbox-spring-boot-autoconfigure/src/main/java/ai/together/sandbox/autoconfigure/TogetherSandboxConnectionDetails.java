package ai.together.sandbox.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Details for a connection to the Together Sandbox management API: where it is and the key to
 * use. Provided from {@code together.sandbox.*} by default, by the embedded emulator when it
 * runs, or by a {@code @ServiceConnection} container.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface TogetherSandboxConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the API key (a secret: never log it).
	 * @return the API key, or {@code null} when none is configured
	 */
	@Nullable String getApiKey();

	/**
	 * Returns the origin of the management API, without {@code /api/v1}.
	 * @return the base URL
	 */
	String getBaseUrl();

}
