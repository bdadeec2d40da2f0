package ai.together.sandbox;

import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.Sandbox;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxJson;
import ai.together.sandbox.sandboxes.SandboxStatus;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

	WireMockServer server;

	@BeforeEach
	void start() {
		server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		server.start();
	}

	@AfterEach
	void stop() {
		server.stop();
	}

	@Test
	void createAndStart() {
		server.stubFor(post("/api/v1/sandboxes").willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody(SandboxJson.sandbox("abc123", "created", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/start").willReturn(okJson(SandboxJson.sandbox("abc123", "starting", null, null))));
		server.stubFor(post("/api/v1/sandboxes/abc123/wait").willReturn(okJson(SandboxJson.sandbox("abc123", "running", "http://127.0.0.1:1/agent", "tok"))));
		try (TogetherSandbox sdk = TogetherSandbox.builder().apiKey("key").baseUrl(server.baseUrl() + "/").build()) {
			SandboxInfo info = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1"));
			assertThat(info.status()).isEqualTo(SandboxStatus.CREATED);
			try (Sandbox sandbox = sdk.sandboxes().start(info.id())) {
				assertThat(sandbox.id()).isEqualTo("abc123");
				assertThat(sandbox.toString()).doesNotContain("tok\"").doesNotContain("=tok");
			}
		}
		server.verify(postRequestedFor(urlEqualTo("/api/v1/sandboxes"))
			.withHeader("Authorization", equalTo("Bearer key"))
			.withRequestBody(equalToJson("{\"millicpu\":1000,\"memory_bytes\":2147483648,\"disk_bytes\":10737418240,\"snapshot_alias\":\"my-app@v1\"}")));
	}

}
