package ai.together.sandbox.ports;

import java.util.List;

import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	private static final String AGENT = FakeSandboxServer.AGENT_PREFIX;

	@Test
	void listReturnsThePorts() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/ports")).willReturn(okJson(
				"{\"ports\":[{\"port\":8080,\"address\":\"0.0.0.0\"},{\"port\":5432,\"address\":\"127.0.0.1\"}]}")));

		assertThat(this.fake.sandbox().ports().list()).containsExactly(new PortInfo(8080, "0.0.0.0"),
				new PortInfo(5432, "127.0.0.1"));
		server.verify(getRequestedFor(urlEqualTo(AGENT + "/api/v1/ports"))
			.withHeader("Authorization", equalTo("Bearer " + FakeSandboxServer.AGENT_TOKEN)));
	}

	@Test
	void streamListDeliversEachSnapshot() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/ports"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody(": hello\n\n" + AgentResponses.events("{\"ports\":[]}",
						"{\"ports\":[{\"port\":3000,\"address\":\"0.0.0.0\"}]}"))));

		try (StreamResponse<List<PortInfo>> stream = this.fake.sandbox().ports().streamList()) {
			assertThat(stream.stream()).containsExactly(List.of(), List.of(new PortInfo(3000, "0.0.0.0")));
		}
		StepVerifier.create(this.fake.reactive().ports().streamList()).expectNextCount(2).verifyComplete();
		server.verify(2, getRequestedFor(urlEqualTo(AGENT + "/api/v1/stream/ports"))
			.withHeader("Authorization", equalTo("Bearer " + FakeSandboxServer.AGENT_TOKEN)));
	}

}
