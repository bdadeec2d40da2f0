package ai.together.sandbox.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpResources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator keeps serving when something else in the JVM disposes Reactor Netty's global
 * resources, as a closing Spring context does (ReactorResourceFactory).
 */
class SharedResourcesTest {

	@Test
	void survivesDisposalOfTheGlobalEventLoops() throws Exception {
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			HttpRequest list = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/api/v1/sandboxes"))
				.header("Authorization", "Bearer " + emulator.apiKey())
				.timeout(Duration.ofSeconds(10))
				.build();
			assertThat(http.send(list, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

			HttpResources.disposeLoopsAndConnections();

			HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			assertThat(fresh.send(list, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		}
	}

}
