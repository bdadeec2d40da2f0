package ai.together.sandbox.ai;

import java.time.Duration;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running WebFlux application with Spring AI's MCP server starter (streamable HTTP) and the
 * embedded emulator serves the sandbox tools over MCP with no code of its own; the MCP Java SDK
 * client lists them and runs a command. Each MCP session is a conversation with its own sandbox.
 */
class McpServerTests {

	@Test
	void anMcpClientListsTheToolsAndRunsACommandInASandbox() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(McpApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.address=127.0.0.1", "server.port=0", "spring.ai.mcp.server.protocol=STREAMABLE",
					"spring.ai.mcp.server.name=together-sandbox-test", "together.sandbox.emulator.mode=always",
					"together.sandbox.emulator.snapshot-aliases=mcp-test@v1", "together.sandbox.ai.snapshot-alias=mcp-test@v1")
			.run()) {
			String url = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			try (McpSyncClient first = client(url); McpSyncClient second = client(url)) {
				assertThat(first.listTools().tools()).extracting(Tool::name)
					.containsExactlyInAnyOrder(SandboxTools.RUN_COMMAND, SandboxTools.WRITE_FILE, SandboxTools.READ_FILE,
							SandboxTools.LIST_DIRECTORY, SandboxTools.START_PROCESS, SandboxTools.READ_PROCESS_OUTPUT,
							SandboxTools.LIST_PORTS);
				Tool run = first.listTools().tools().stream()
					.filter((tool) -> tool.name().equals(SandboxTools.RUN_COMMAND))
					.findFirst()
					.orElseThrow();
				assertThat(run.inputSchema()).containsEntry("required", java.util.List.of("command"));

				CallToolResult result = first.callTool(new CallToolRequest(SandboxTools.RUN_COMMAND,
						Map.of("command", "echo hi > mine.txt; cat mine.txt")));
				assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
				assertThat(text(result)).contains("\"exit_code\":0").contains("\"stdout\":\"hi\\n\"");

				CallToolResult other = second.callTool(
						new CallToolRequest(SandboxTools.RUN_COMMAND, Map.of("command", "cat mine.txt")));
				assertThat(text(other)).doesNotContain("\"exit_code\":0");
				assertThat(context.getBean(ConversationSandboxes.class).sandboxIds()).hasSize(2);

				CallToolResult failed = first.callTool(
						new CallToolRequest(SandboxTools.READ_FILE, Map.of("path", "missing.txt")));
				assertThat(failed.isError()).isTrue();
				assertThat(text(failed)).startsWith("Failed to files.")
					.contains("/workspace/missing.txt")
					.doesNotContain("\tat ")
					.hasSizeLessThan(300);
			}
		}
	}

	private static McpSyncClient client(String url) {
		McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
			.requestTimeout(Duration.ofSeconds(30))
			.build();
		client.initialize();
		return client;
	}

	private static String text(CallToolResult result) {
		assertThat(result.content()).singleElement().isInstanceOf(TextContent.class);
		return ((TextContent) result.content().get(0)).text();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class McpApplication {

	}

}
