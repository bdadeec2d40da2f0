package ai.together.sandbox.sample.agent;

import java.time.Duration;
import java.util.Map;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.ai.SandboxTools;
import ai.together.sandbox.sample.SampleAppTest;
import ai.together.sandbox.sample.agent.AgentController.AgentTurn;
import ai.together.sandbox.sandboxes.SandboxStatus;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripted agent turn ({@code POST /agent/turns}) and the MCP endpoint ({@code /mcp}) of the
 * running sample, on its embedded emulator.
 */
@SampleAppTest
class AgentTurnTests {

	@LocalServerPort
	private int port;

	@Autowired
	private TogetherSandbox sdk;

	@Test
	void aScriptedAgentTurnRunsTheScriptInTheConversationsSandbox() {
		WebTestClient client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
		AgentTurn turn = client.post()
			.uri("/agent/turns")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("conversationId", "turn-test", "script", "echo hello from the sandbox; cat agent/script.sh >&2; exit 2"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(AgentTurn.class)
			.returnResult()
			.getResponseBody();
		assertThat(turn).isNotNull();
		assertThat(turn.answer()).isEqualTo("The script exited with 2. stdout: hello from the sandbox\n stderr: echo hello from the sandbox; cat agent/script.sh >&2; exit 2");
		assertThat(turn.sandboxId()).isNotNull();
		assertThat(this.sdk.sandboxes().get(turn.sandboxId()).status()).isEqualTo(SandboxStatus.RUNNING);
		assertThat(this.sdk.sandboxes().connect(turn.sandboxId()).files().read("/workspace/agent/script.sh"))
			.isEqualTo("echo hello from the sandbox; cat agent/script.sh >&2; exit 2");
	}

	@Test
	void theToolsAreServedOverMcpAtSlashMcp() {
		try (McpSyncClient mcp = McpClient
			.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + this.port).endpoint("/mcp").build())
			.requestTimeout(Duration.ofSeconds(30))
			.build()) {
			mcp.initialize();
			assertThat(mcp.listTools().tools()).extracting(Tool::name)
				.contains(SandboxTools.RUN_COMMAND, SandboxTools.WRITE_FILE, SandboxTools.READ_FILE);
			CallToolResult result = mcp
				.callTool(new CallToolRequest(SandboxTools.RUN_COMMAND, Map.of("command", "echo hi")));
			assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
			assertThat(((TextContent) result.content().get(0)).text()).contains("\"exit_code\":0")
				.contains("\"stdout\":\"hi\\n\"");
		}
	}

}
