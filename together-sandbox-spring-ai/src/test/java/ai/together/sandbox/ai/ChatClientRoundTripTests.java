package ai.together.sandbox.ai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation without a real model: a scripted {@link ChatModel} asks for the run-command tool,
 * {@link ChatClient} calls the sandbox tools, the command runs in a sandbox of the emulator, and
 * the model's second call sees the tool's result.
 */
class ChatClientRoundTripTests {

	@Test
	void aScriptedModelRunsCodeInTheConversationsSandboxAndSeesTheResult() {
		try (EmulatorFixture emulator = new EmulatorFixture()) {
			emulator.contextRunner().run((context) -> {
				ScriptedModel model = new ScriptedModel();
				ChatClient chat = ChatClient.builder(model).build();
				String answer = chat.prompt()
					.user("What is 6 * 7? Compute it in the sandbox.")
					.toolCallbacks(context.getBean(SandboxTools.class))
					.toolContext(Map.of(ChatMemory.CONVERSATION_ID, "chat-42"))
					.advisors(ToolCallingAdvisor.builder().build())
					.call()
					.content();
				assertThat(model.prompts).hasSize(2);
				assertThat(model.prompts.get(0).getOptions()).isInstanceOfSatisfying(ToolCallingChatOptions.class,
						(options) -> assertThat(options.getToolCallbacks()).extracting((tool) -> tool.getToolDefinition().name())
							.contains(SandboxTools.RUN_COMMAND));
				List<Message> second = model.prompts.get(1).getInstructions();
				ToolResponseMessage toolResponse = (ToolResponseMessage) second.get(second.size() - 1);
				assertThat(toolResponse.getResponses()).singleElement().satisfies((response) -> {
					assertThat(response.id()).isEqualTo("call-1");
					assertThat(response.name()).isEqualTo(SandboxTools.RUN_COMMAND);
					assertThat(response.responseData()).contains("\"exit_code\":0").contains("\"stdout\":\"42\\n\"");
				});
				assertThat(answer).isEqualTo("The sandbox says 42.");
				assertThat(context.getBean(ConversationSandboxes.class).sandboxIds()).containsOnlyKeys("chat-42");
			});
		}
	}

	/** Asks for one tool call, then answers with what the tool returned. */
	static final class ScriptedModel implements ChatModel {

		final List<Prompt> prompts = new CopyOnWriteArrayList<>();

		@Override
		public ChatResponse call(Prompt prompt) {
			this.prompts.add(prompt);
			Message last = prompt.getInstructions().get(prompt.getInstructions().size() - 1);
			if (last instanceof ToolResponseMessage response) {
				String data = response.getResponses().get(0).responseData();
				String result = data.contains("\"stdout\":\"42\\n\"") ? "42" : "nothing";
				return new ChatResponse(List.of(new Generation(new AssistantMessage("The sandbox says " + result + "."))));
			}
			AssistantMessage toolCall = AssistantMessage.builder()
				.content("")
				.toolCalls(List.of(new AssistantMessage.ToolCall("call-1", "function", SandboxTools.RUN_COMMAND,
						"{\"command\":\"echo $((6 * 7))\"}")))
				.build();
			return new ChatResponse(List.of(new Generation(toolCall)));
		}

		@Override
		public ChatOptions getOptions() {
			return ToolCallingChatOptions.builder().build();
		}

	}

}
