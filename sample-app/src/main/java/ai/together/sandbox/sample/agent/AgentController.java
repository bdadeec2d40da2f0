package ai.together.sandbox.sample.agent;

import java.util.Map;

import ai.together.sandbox.ai.ConversationSandboxes;
import ai.together.sandbox.ai.SandboxTools;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /agent/turns}: one turn of a conversation with the {@link ScriptedAgentModel},
 * which runs the request's script in the conversation's sandbox through the Spring AI sandbox
 * tools.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@RestController
@RequestMapping("/agent")
public class AgentController {

	private final ChatClient chatClient;

	private final SandboxTools tools;

	private final ConversationSandboxes sandboxes;

	/**
	 * Creates the controller.
	 * @param tools the sandbox tools
	 * @param sandboxes the sandbox of each conversation
	 */
	public AgentController(SandboxTools tools, ConversationSandboxes sandboxes) {
		this.chatClient = ChatClient.builder(new ScriptedAgentModel()).build();
		this.tools = tools;
		this.sandboxes = sandboxes;
	}

	/**
	 * Runs one agent turn.
	 * @param request the conversation and the script
	 * @return the model's answer and the conversation's sandbox
	 */
	@PostMapping("/turns")
	public Mono<AgentTurn> turn(@RequestBody AgentTurnRequest request) {
		if (request.script() == null || request.script().isBlank()) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "script is required"));
		}
		String conversation = (request.conversationId() == null || request.conversationId().isBlank()) ? "sample"
				: request.conversationId();
		// The tools use the blocking client: never on the event loop.
		return Mono.fromCallable(() -> run(conversation, request.script())).subscribeOn(Schedulers.boundedElastic());
	}

	private AgentTurn run(String conversation, String script) {
		ChatResponse response = this.chatClient.prompt()
			.user(script)
			.toolCallbacks(this.tools)
			.toolContext(Map.of(ChatMemory.CONVERSATION_ID, conversation))
			.advisors(ToolCallingAdvisor.builder().build())
			.call()
			.chatResponse();
		AssistantMessage answer = (response != null) ? response.getResult().getOutput() : null;
		return new AgentTurn(conversation, this.sandboxes.sandboxIds().get(conversation),
				(answer != null) ? answer.getText() : null);
	}

	/**
	 * The body of {@code POST /agent/turns}.
	 * @param conversationId the conversation (one sandbox each); {@code sample} when absent
	 * @param script the shell script the scripted model runs
	 */
	public record AgentTurnRequest(@Nullable String conversationId, String script) {
	}

	/**
	 * The outcome of a turn.
	 * @param conversationId the conversation
	 * @param sandboxId the conversation's sandbox
	 * @param answer the model's final answer
	 */
	public record AgentTurn(String conversationId, @Nullable String sandboxId, @Nullable String answer) {
	}

}
