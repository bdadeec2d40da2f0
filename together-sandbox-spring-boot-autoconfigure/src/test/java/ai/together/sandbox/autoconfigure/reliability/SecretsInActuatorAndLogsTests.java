package ai.together.sandbox.autoconfigure.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.HermeticEnvironment;
import ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API key and an agent token, both distinctive strings, appear in no actuator endpoint that
 * could show them (health with details, configprops and env with values shown, each by name too,
 * beans, conditions, metrics, loggers, mappings), in no {@code toString()} of the beans, and in
 * no line of the application's output while {@code ai.together}, {@code reactor.netty} and
 * {@code org.springframework.web} log at DEBUG, through startup, health checks, a sandbox start,
 * file calls and streams. Extends {@code ActuatorEndpointsTests}, which covers health, configprops
 * and env by default.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "together.sandbox.api-key=" + SecretsInActuatorAndLogsTests.API_KEY,
				"TOGETHER_API_KEY=" + SecretsInActuatorAndLogsTests.API_KEY,
				"together.sandbox.health.sandboxes=" + FakeSandboxServer.SANDBOX_ID,
				"management.endpoints.web.exposure.include=*", "management.endpoint.health.show-details=always",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
				"logging.level.ai.together=DEBUG", "logging.level.reactor.netty=DEBUG",
				"logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.http=DEBUG" })
@ContextConfiguration(initializers = HermeticEnvironment.class)
class SecretsInActuatorAndLogsTests {

	static final String API_KEY = "sk-ACTUATOR-3d9b61f0e2";

	private static final String AGENT_TOKEN = "agt-ACTUATOR-c47a0e5b18";

	private static final List<String> SECRETS = List.of(API_KEY, AGENT_TOKEN, "3d9b61f0e2", "c47a0e5b18");

	private static final FakeSandboxServer server = FakeSandboxServer.builder()
		.agentToken(AGENT_TOKEN)
		.agent(AgentResponses.endlessStreams())
		.start();

	@LocalServerPort
	private int port;

	@Autowired
	private TogetherSandbox sdk;

	@Autowired
	private TogetherSandboxProperties properties;

	@Autowired
	private TogetherSandboxConnectionDetails connectionDetails;

	@DynamicPropertySource
	static void managementApi(DynamicPropertyRegistry registry) {
		registry.add("together.sandbox.base-url", server::baseUrl);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void noEndpointToStringOrLogLineShowsTheKeyOrTheToken(CapturedOutput output) throws Exception {
		List<String> texts = new ArrayList<>();
		try (Sandbox sandbox = this.sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID)) {
			sandbox.ports().list();
			try (var ports = sandbox.ports().streamList()) {
				assertThat(ports.iterator().next()).isEmpty();
			}
			texts.add(sandbox.toString());
			texts.add(sandbox.vmInfo().toString());
		}
		assertThat(fetch("/actuator/health")).contains("\"togetherSandbox\"");
		for (String path : List.of("/actuator/health", "/actuator/health/togetherSandbox", "/actuator/configprops",
				"/actuator/configprops/together.sandbox", "/actuator/env", "/actuator/env/together.sandbox.api-key",
				"/actuator/env/TOGETHER_API_KEY", "/actuator/beans", "/actuator/conditions", "/actuator/metrics",
				"/actuator/loggers", "/actuator/mappings")) {
			texts.add(path + " " + fetch(path));
		}
		texts.add(this.sdk.toString());
		texts.add(this.sdk.reactive().toString());
		texts.add(this.properties.toString());
		texts.add(this.connectionDetails.toString());
		// The capture saw the transport's DEBUG lines, so it would have seen a header.
		assertThat(output.getAll()).contains("HTTP GET " + server.baseUrl()).contains("reactor.netty");
		texts.add(output.getAll());
		for (String secret : SECRETS) {
			assertThat(texts).as("texts containing %s", secret).noneMatch((text) -> text.contains(secret));
		}
		// Both were sent, as bearer tokens.
		assertThat(server.authorizations()).contains("Bearer " + API_KEY, "Bearer " + AGENT_TOKEN);
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
