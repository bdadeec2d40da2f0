package ai.together.sandbox.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator endpoints of a running application never show the API key or an agent token,
 * even with details and values shown.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "together.sandbox.api-key=" + ActuatorEndpointsTests.API_KEY,
				"together.sandbox.health.sandboxes=run001",
				"management.endpoints.web.exposure.include=health,configprops,env",
				"management.endpoint.health.show-details=always", "management.endpoint.configprops.show-values=always",
				"management.endpoint.env.show-values=always" })
class ActuatorEndpointsTests {

	static final String API_KEY = "sk-live-never-shown-0042";

	private static final String AGENT_TOKEN = "agent-token-never-shown-0043";

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void managementApi(DynamicPropertyRegistry registry) {
		registry.add("together.sandbox.base-url", server::baseUrl);
	}

	@Test
	void healthShowsTheContributorWithoutSecrets() throws Exception {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		server.stubFor(get("/api/v1/sandboxes/run001").willReturn(okJson(
				SandboxJson.sandbox("run001", "running", server.baseUrl() + "/agent/run001", AGENT_TOKEN))));
		server.stubFor(get("/agent/run001/api/v1/ports").willReturn(okJson("{\"ports\":[]}")));
		String health = fetch("/actuator/health");
		assertThat(health).contains("\"togetherSandbox\"").contains("\"reachable\"");
		assertThat(fetch("/actuator/health/togetherSandbox")).contains("\"status\":\"UP\"");
		assertThat(health).doesNotContain(API_KEY).doesNotContain(AGENT_TOKEN);
	}

	@Test
	void configpropsAndEnvMaskTheApiKey() throws Exception {
		String configprops = fetch("/actuator/configprops");
		assertThat(configprops).contains("together.sandbox").contains(server.baseUrl()).doesNotContain(API_KEY);
		String env = fetch("/actuator/env");
		assertThat(env).contains("together.sandbox.api-key").doesNotContain(API_KEY);
	}

	private String fetch(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
