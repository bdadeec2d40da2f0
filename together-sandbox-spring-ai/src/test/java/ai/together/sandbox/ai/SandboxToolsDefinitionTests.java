package ai.together.sandbox.ai;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.TogetherSandbox;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a model sees of the tools (names, descriptions, input schemas), the output cut, the
 * conversation id of a call, and when the auto-configuration applies. No sandbox is used.
 */
class SandboxToolsDefinitionTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final TogetherSandbox client = TogetherSandbox.builder()
		.apiKey("unused-key-for-definitions")
		.baseUrl("http://127.0.0.1:9")
		.build();

	@AfterEach
	void closeClient() {
		this.client.close();
	}

	private SandboxTools tools(SandboxToolsProperties properties) {
		ConversationSandboxes sandboxes = new ConversationSandboxes(this.client, () -> {
			throw new AssertionError("no sandbox is created here");
		}, properties.getWorkdir(), properties.getIdleTimeout(), properties.getMaxSandboxes());
		return new SandboxTools(sandboxes, properties, ObservationRegistry.NOOP, (event) -> {
		}, java.util.Set.of(), (context) -> (String) context.getContext().get("test-session"));
	}

	@Test
	void theToolsHaveStableNamesAndSchemasThatAModelCanUse() {
		ToolCallback[] callbacks = tools(new SandboxToolsProperties()).getToolCallbacks();
		assertThat(Arrays.stream(callbacks).map((callback) -> callback.getToolDefinition().name())).containsExactly(
				"sandbox_run_command", "sandbox_write_file", "sandbox_read_file", "sandbox_list_directory",
				"sandbox_start_process", "sandbox_read_process_output", "sandbox_list_ports");
		ToolDefinition run = callbacks[0].getToolDefinition();
		assertThat(run.description()).isEqualTo("Runs a shell command (sh -c) in this conversation's sandbox, an isolated"
				+ " Linux VM, and waits for it to exit. Returns exit_code, stdout and stderr (long output has its middle"
				+ " cut, with a marker saying how many characters). The working directory is the sandbox workspace"
				+ " unless cwd is given. Commands that run longer than the timeout are stopped: run servers and other"
				+ " long-running work with sandbox_start_process instead.");
		assertThat(JSON.readTree(run.inputSchema())).isEqualTo(JSON.readTree("""
				{"type": "object",
				 "properties": {
				   "command": {"type": "string", "description": "The shell command, for example: python3 main.py"},
				   "cwd": {"type": "string", "description": "Working directory; relative paths start at the workspace"},
				   "timeout_seconds": {"type": "integer", "minimum": 1,
				     "description": "Stop the command after this many seconds (capped by the server's limit)"}},
				 "required": ["command"],
				 "additionalProperties": false}"""));
		Map<String, List<String>> required = Map.of("sandbox_run_command", List.of("command"), "sandbox_write_file",
				List.of("path", "content"), "sandbox_read_file", List.of("path"), "sandbox_list_directory", List.of(),
				"sandbox_start_process", List.of("command"), "sandbox_read_process_output", List.of("process_id"),
				"sandbox_list_ports", List.of());
		for (ToolCallback callback : callbacks) {
			ToolDefinition definition = callback.getToolDefinition();
			JsonNode schema = JSON.readTree(definition.inputSchema());
			assertThat(schema.get("type").asString()).isEqualTo("object");
			assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
			assertThat(schema.path("required").valueStream().map(JsonNode::asString))
				.as(definition.name())
				.containsExactlyElementsOf(required.get(definition.name()));
			schema.get("properties").forEach((property) -> {
				assertThat(property.get("type").asString()).isIn("string", "integer");
				assertThat(property.get("description").asString()).isNotBlank();
			});
			assertThat(definition.description()).as(definition.name()).hasSizeBetween(60, 600);
		}
	}

	@Test
	void longOutputKeepsItsHeadAndTail() {
		SandboxToolsProperties properties = new SandboxToolsProperties();
		properties.setMaxOutput(org.springframework.util.unit.DataSize.ofBytes(11));
		SandboxTools tools = tools(properties);
		assertThat(tools.cut("short")).isEqualTo("short");
		assertThat(tools.cut("0123456789a")).isEqualTo("0123456789a");
		assertThat(tools.cut("abcdefghijklmnopqrstuvwxyz")).isEqualTo("abcde\n[... 15 characters cut ...]\nuvwxyz");
	}

	@Test
	void theConversationIsTheToolContextEntryElseTheMcpSessionElseTheDefault() {
		SandboxTools tools = tools(new SandboxToolsProperties());
		assertThat(tools.conversationId(new ToolContext(Map.of(ChatMemory.CONVERSATION_ID, "chat-7", "test-session", "s1"))))
			.isEqualTo("chat-7");
		assertThat(tools.conversationId(new ToolContext(Map.of("test-session", "s1")))).isEqualTo("s1");
		assertThat(tools.conversationId(new ToolContext(Map.of()))).isEqualTo("default");
		assertThat(tools.conversationId(null)).isEqualTo("default");
		SandboxToolsProperties custom = new SandboxToolsProperties();
		custom.setConversationIdKey("tenant");
		custom.setDefaultConversationId("shared");
		assertThat(tools(custom).conversationId(new ToolContext(Map.of("tenant", 42)))).isEqualTo("42");
		assertThat(tools(custom).conversationId(new ToolContext(Map.of(ChatMemory.CONVERSATION_ID, "chat-7"))))
			.isEqualTo("shared");
	}

	@Test
	void propertiesBindFromTogetherSandboxAi() {
		SandboxToolsProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
				"together.sandbox.ai.snapshot-alias", "agents@v2", "together.sandbox.ai.idle-timeout", "90s",
				"together.sandbox.ai.max-sandboxes", "3", "together.sandbox.ai.max-output", "4KB",
				"together.sandbox.ai.call-timeout", "20s")))
			.bind(SandboxToolsProperties.PREFIX, SandboxToolsProperties.class)
			.get();
		assertThat(properties.getSnapshotAlias()).isEqualTo("agents@v2");
		assertThat(properties.getIdleTimeout()).hasSeconds(90);
		assertThat(properties.getMaxSandboxes()).isEqualTo(3);
		assertThat(properties.getMaxOutput().toBytes()).isEqualTo(4096);
		assertThat(properties.getCallTimeout()).hasSeconds(20);
		assertThat(new SandboxToolsProperties().getConversationIdKey()).isEqualTo(ChatMemory.CONVERSATION_ID);
	}

	@Test
	void theAutoConfigurationNeedsSpringAiAndATogetherSandboxAndCanBeSwitchedOff() {
		try (EmulatorFixture emulator = new EmulatorFixture()) {
			emulator.contextRunner()
				.run((context) -> assertThat(context).hasSingleBean(SandboxTools.class)
					.hasSingleBean(ToolCallbackProvider.class)
					.hasSingleBean(ConversationSandboxes.class));
			emulator.contextRunner()
				.withClassLoader(new FilteredClassLoader(ToolCallbackProvider.class))
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConversationSandboxes.class));
			emulator.contextRunner()
				.withPropertyValues("together.sandbox.ai.enabled=false")
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SandboxTools.class));
			emulator.contextRunner()
				.withPropertyValues("together.sandbox.enabled=false")
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SandboxTools.class));
		}
	}

	@Test
	void everyPropertyHasConfigurationMetadata() throws Exception {
		JsonNode metadata;
		try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = JSON.readTree(in);
		}
		assertThat(metadata.get("properties").valueStream()
			.filter((property) -> property.get("name").asString().startsWith("together.sandbox.ai."))
			.map((property) -> property.get("name").asString() + "=" + property.path("defaultValue").asString("")))
			.containsExactlyInAnyOrder("together.sandbox.ai.enabled=true", "together.sandbox.ai.snapshot-alias=",
					"together.sandbox.ai.conversation-id-key=chat_memory_conversation_id",
					"together.sandbox.ai.default-conversation-id=default", "together.sandbox.ai.workdir=/workspace",
					"together.sandbox.ai.idle-timeout=10m", "together.sandbox.ai.max-sandboxes=10",
					"together.sandbox.ai.max-output=16KB", "together.sandbox.ai.max-file-size=256KB",
					"together.sandbox.ai.call-timeout=2m");
	}

}
