package ai.together.sandbox.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application of these tests: the starter's auto-configuration and nothing else. Its
 * constants are the client configuration that the tests give it, which the annotation must
 * override.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EmulatorTestApplication {

	/** The API key the application configures: never to be used or logged under the annotation. */
	static final String CONFIGURED_API_KEY = "tsk-configured-4f1c9a";

	/** Another key, as if exported in the shell as {@code TOGETHER_API_KEY}. */
	static final String ENVIRONMENT_API_KEY = "tsk-environment-77b2e0";

	/**
	 * A base URL on 127.0.0.1 where nothing listens: any request the client sent there would fail.
	 */
	static final String UNREACHABLE_BASE_URL = "http://127.0.0.1:" + closedPort();

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
