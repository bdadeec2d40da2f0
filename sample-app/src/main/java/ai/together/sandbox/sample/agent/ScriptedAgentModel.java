package ai.together.sandbox.sample.agent;

import java.util.List;

import ai.together.sandbox.ai.SandboxTools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A stand-in for a real model that always acts the same way: it treats the user's message as a
 * shell script, asks for two tool calls (write it to {@code agent/script.sh}, run it), then
 * answers with the exit code and output that the tools returned. Replace it with any Spring AI
 * model starter to let a real model decide.
 */
final class ScriptedAgentModel implements ChatModel {

	static final String SCRIPT = "agent/script.sh";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	public ChatResponse call(Prompt prompt) {
		List<Message> messages = prompt.getInstructions();
		Message last = messages.get(messages.size() - 1);
		if (last instanceof ToolResponseMessage toolResponses) {
			return answer(toolResponses);
		}
		String script = (last instanceof UserMessage user) ? user.getText() : "";
		AssistantMessage toolCalls = AssistantMessage.builder()
			.content("I will run that in the sandbox.")
			.toolCalls(List.of(
					new AssistantMessage.ToolCall("write-1", "function", SandboxTools.WRITE_FILE,
							JSON.createObjectNode().put("path", SCRIPT).put("content", script).toString()),
					new AssistantMessage.ToolCall("run-1", "function", SandboxTools.RUN_COMMAND,
							JSON.createObjectNode().put("command", "sh " + SCRIPT).toString())))
			.build();
		return new ChatResponse(List.of(new Generation(toolCalls)));
	}

	private static ChatResponse answer(ToolResponseMessage toolResponses) {
		String answer = "The sandbox did not run the script.";
		for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
			if (SandboxTools.RUN_COMMAND.equals(response.name())) {
				answer = describe(response.responseData());
			}
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(answer))));
	}

	private static String describe(String result) {
		if (!result.startsWith("{")) {
			// A failed call: the tool's message for the model.
			return "The script could not run: " + result;
		}
		JsonNode json = JSON.readTree(result);
		return "The script exited with " + json.path("exit_code").asInt() + ". stdout: " + json.path("stdout").asString()
				+ (json.path("stderr").asString().isEmpty() ? "" : " stderr: " + json.path("stderr").asString());
	}

	@Override
	public ChatOptions getOptions() {
		// Tool calling options, so that ChatClient hands this model the tools it is given.
		return ToolCallingChatOptions.builder().build();
	}

}
