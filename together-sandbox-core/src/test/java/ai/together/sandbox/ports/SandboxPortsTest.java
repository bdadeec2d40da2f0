package ai.together.sandbox.ports;

import java.util.List;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.files.ConnectedSandbox;
import ai.together.sandbox.files.LocalAgentServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class SandboxPortsTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	private static final String AGENT = ConnectedSandbox.AGENT_PREFIX;

	private ConnectedSandbox connected;

	@BeforeEach
	void connect() {
		this.connected = ConnectedSandbox.connect(server);
	}

	@AfterEach
	void close() {
		this.connected.close();
	}

	@Test
	void listReturnsThePorts() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/ports")).willReturn(okJson(
				"{\"ports\":[{\"port\":8080,\"address\":\"0.0.0.0\"},{\"port\":5432,\"address\":\"127.0.0.1\"}]}")));

		assertThat(this.connected.sandbox().ports().list()).containsExactly(new PortInfo(8080, "0.0.0.0"),
				new PortInfo(5432, "127.0.0.1"));
		server.verify(getRequestedFor(urlEqualTo(AGENT + "/api/v1/ports"))
			.withHeader("Authorization", equalTo("Bearer " + ConnectedSandbox.AGENT_TOKEN)));
	}

	@Test
	void streamListDeliversEachSnapshot() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/ports"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody(": hello\n\n" + LocalAgentServer.events("{\"ports\":[]}",
						"{\"ports\":[{\"port\":3000,\"address\":\"0.0.0.0\"}]}"))));

		try (StreamResponse<List<PortInfo>> stream = this.connected.sandbox().ports().streamList()) {
			assertThat(stream.stream()).containsExactly(List.of(), List.of(new PortInfo(3000, "0.0.0.0")));
		}
		StepVerifier.create(this.connected.reactive().ports().streamList()).expectNextCount(2).verifyComplete();
		server.verify(2, getRequestedFor(urlEqualTo(AGENT + "/api/v1/stream/ports"))
			.withHeader("Authorization", equalTo("Bearer " + ConnectedSandbox.AGENT_TOKEN)));
	}

}
