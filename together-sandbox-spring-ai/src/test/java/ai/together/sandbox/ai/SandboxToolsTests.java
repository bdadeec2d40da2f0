package ai.together.sandbox.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.ai.SandboxToolCallEvent.Outcome;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The tools against the emulator: what each returns, its limits and failures as the model sees
 * them, the audit events and observations, and that no result shows a credential.
 */
class SandboxToolsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static EmulatorFixture emulator;

	private final List<SandboxToolCallEvent> events = new CopyOnWriteArrayList<>();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	@BeforeAll
	static void startEmulator() {
		emulator = new EmulatorFixture();
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	private void run(ContextConsumer<AssertableApplicationContext> test, String... properties) {
		emulator.contextRunner()
			.withPropertyValues(properties)
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withBean("auditListener", ApplicationListener.class,
					() -> (ApplicationListener<PayloadApplicationEvent<SandboxToolCallEvent>>) (event) -> this.events
						.add(event.getPayload()))
			.run(test);
	}

	private static String call(AssertableApplicationContext context, String tool, String arguments,
			String conversation) {
		return callback(context, tool).call(arguments, new ToolContext(Map.of(ChatMemory.CONVERSATION_ID, conversation)));
	}

	private static ToolCallback callback(AssertableApplicationContext context, String tool) {
		return Arrays.stream(context.getBean(SandboxTools.class).getToolCallbacks())
			.filter((callback) -> callback.getToolDefinition().name().equals(tool))
			.findFirst()
			.orElseThrow();
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	@Test
	void runCommandReturnsExitCodeAndOutputOfTheSandbox() {
		run((context) -> {
			JsonNode result = json(call(context, SandboxTools.RUN_COMMAND,
					"{\"command\":\"echo hi; echo oops >&2; pwd; exit 3\"}", "c1"));
			assertThat(result.get("exit_code").asInt()).isEqualTo(3);
			assertThat(result.get("stdout").asString()).startsWith("hi\n");
			assertThat(result.get("stderr").asString()).isEqualTo("oops\n");
			assertThat(this.events).singleElement().satisfies((event) -> {
				assertThat(event.tool()).isEqualTo(SandboxTools.RUN_COMMAND);
				assertThat(event.conversationId()).isEqualTo("c1");
				assertThat(event.sandboxId()).isEqualTo(context.getBean(ConversationSandboxes.class).sandboxIds().get("c1"));
				assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
			});
			assertThat(this.observations).hasObservationWithNameEqualTo(SandboxTools.OBSERVATION_NAME)
				.that()
				.hasLowCardinalityKeyValue("tool", SandboxTools.RUN_COMMAND)
				.hasLowCardinalityKeyValue("outcome", "success");
		});
	}

	@Test
	void filesWrittenAreReadAndListedAndCommandsSeeThem() {
		run((context) -> {
			JsonNode written = json(call(context, SandboxTools.WRITE_FILE,
					"{\"path\":\"notes/a.txt\",\"content\":\"héllo\\n\"}", "c1"));
			assertThat(written.get("path").asString()).isEqualTo("/workspace/notes/a.txt");
			assertThat(written.get("bytes").asInt()).isEqualTo(7);
			assertThat(json(call(context, SandboxTools.READ_FILE, "{\"path\":\"/workspace/notes/a.txt\"}", "c1"))
				.get("content")
				.asString()).isEqualTo("héllo\n");
			JsonNode listing = json(call(context, SandboxTools.LIST_DIRECTORY, "{\"path\":\"notes\"}", "c1"));
			assertThat(listing.get("entries")).singleElement().satisfies((entry) -> {
				assertThat(entry.get("name").asString()).isEqualTo("a.txt");
				assertThat(entry.get("type").asString()).isEqualTo("file");
				assertThat(entry.get("size").asInt()).isEqualTo(7);
			});
			assertThat(json(call(context, SandboxTools.RUN_COMMAND, "{\"command\":\"cat a.txt\",\"cwd\":\"notes\"}", "c1"))
				.get("stdout")
				.asString()).isEqualTo("héllo\n");
		});
	}

	@Test
	void longOutputKeepsHeadAndTailWithAMarker() {
		run((context) -> {
			JsonNode result = json(call(context, SandboxTools.RUN_COMMAND,
					"{\"command\":\"printf 'a%.0s' $(seq 1 100); printf 'b%.0s' $(seq 1 100)\"}", "c1"));
			assertThat(result.get("stdout").asString())
				.isEqualTo("a".repeat(25) + "\n[... 150 characters cut ...]\n" + "b".repeat(25));
		}, "together.sandbox.ai.max-output=50B");
	}

	@Test
	void aCommandPastItsTimeoutIsStoppedWithAMessage() {
		run((context) -> {
			assertThatExceptionOfType(ToolExecutionException.class)
				.isThrownBy(() -> call(context, SandboxTools.RUN_COMMAND,
						"{\"command\":\"sleep 30\",\"timeout_seconds\":60}", "c1"))
				.withMessage("The command did not finish within 500 ms and was stopped. Run long-running work with"
						+ " sandbox_start_process and read its output with sandbox_read_process_output.");
			assertThat(this.events).singleElement()
				.satisfies((event) -> assertThat(event.outcome()).isEqualTo(Outcome.TIMEOUT));
			assertThat(this.observations).hasObservationWithNameEqualTo(SandboxTools.OBSERVATION_NAME)
				.that()
				.hasLowCardinalityKeyValue("outcome", "timeout")
				.hasError();
		}, "together.sandbox.ai.call-timeout=500ms");
	}

	@Test
	void aStartedProcessIsReadLater() {
		run((context) -> {
			String id = json(call(context, SandboxTools.START_PROCESS,
					"{\"command\":\"echo started; sleep 0.2; echo done; exit 4\"}", "c1"))
				.get("process_id")
				.asString();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				JsonNode output = json(call(context, SandboxTools.READ_PROCESS_OUTPUT, "{\"process_id\":\"" + id + "\"}",
						"c1"));
				assertThat(output.get("status").asString()).isEqualTo("finished");
				assertThat(output.get("exit_code").asInt()).isEqualTo(4);
				assertThat(output.get("stdout").asString()).isEqualTo("started\ndone\n");
			});
			assertThat(json(call(context, SandboxTools.LIST_PORTS, "{}", "c1")).get("ports").isArray()).isTrue();
		});
	}

	@Test
	void aFileOverTheLimitIsRefusedWithAHint() {
		run((context) -> {
			call(context, SandboxTools.WRITE_FILE, "{\"path\":\"big.txt\",\"content\":\"" + "x".repeat(2000) + "\"}",
					"c1");
			assertThatExceptionOfType(ToolExecutionException.class)
				.isThrownBy(() -> call(context, SandboxTools.READ_FILE, "{\"path\":\"big.txt\"}", "c1"))
				.withMessage("/workspace/big.txt has 2000 bytes, more than the limit of 1024 bytes that"
						+ " sandbox_read_file returns. Read parts of it with sandbox_run_command (head -c, tail -c, sed -n).");
			assertThat(this.events).last().satisfies((event) -> assertThat(event.outcome()).isEqualTo(Outcome.LIMIT));
		}, "together.sandbox.ai.max-file-size=1KB");
	}

	@Test
	void badArgumentsAreShortMessagesAndCreateNoSandbox() {
		run((context) -> {
			assertThatExceptionOfType(ToolExecutionException.class)
				.isThrownBy(() -> call(context, SandboxTools.RUN_COMMAND, "{\"cmd\":\"ls\"}", "c1"))
				.withMessage("Unknown argument cmd; the arguments are: command, cwd, timeout_seconds.");
			assertThatExceptionOfType(ToolExecutionException.class)
				.isThrownBy(() -> call(context, SandboxTools.RUN_COMMAND, "{\"cwd\":\"src\"}", "c1"))
				.withMessage("The argument command is required.");
			assertThatExceptionOfType(ToolExecutionException.class)
				.isThrownBy(() -> call(context, SandboxTools.WRITE_FILE, "not json", "c1"))
				.withMessage("The arguments are not valid JSON; send a JSON object matching the input schema.");
			assertThat(context.getBean(ConversationSandboxes.class).sandboxIds()).isEmpty();
			assertThat(this.events).extracting(SandboxToolCallEvent::outcome)
				.containsExactly(Outcome.INVALID_INPUT, Outcome.INVALID_INPUT, Outcome.INVALID_INPUT);
		});
	}

	@Test
	void eachConversationHasItsOwnSandboxReusedAcrossCalls() {
		run((context) -> {
			call(context, SandboxTools.WRITE_FILE, "{\"path\":\"mine.txt\",\"content\":\"c1\"}", "c1");
			assertThat(json(call(context, SandboxTools.RUN_COMMAND, "{\"command\":\"cat mine.txt\"}", "c1"))
				.get("stdout")
				.asString()).isEqualTo("c1");
			JsonNode other = json(call(context, SandboxTools.RUN_COMMAND, "{\"command\":\"cat mine.txt\"}", "c2"));
			assertThat(other.get("exit_code").asInt()).isNotZero();
			Map<String, String> ids = context.getBean(ConversationSandboxes.class).sandboxIds();
			assertThat(ids).containsOnlyKeys("c1", "c2");
			assertThat(ids.get("c1")).isNotEqualTo(ids.get("c2"));
			// A call without a conversation id shares the documented default conversation.
			callback(context, SandboxTools.LIST_PORTS).call("{}");
			assertThat(context.getBean(ConversationSandboxes.class).sandboxIds()).containsKey("default");
		});
	}

	@Test
	void noResultOrErrorShowsTheApiKeyOrAnAgentToken() {
		run((context) -> {
			List<String> results = new ArrayList<>();
			results.add(call(context, SandboxTools.RUN_COMMAND, "{\"command\":\"env; echo " + EmulatorFixture.API_KEY + "\"}",
					"c1"));
			String sandboxId = context.getBean(ConversationSandboxes.class).sandboxIds().get("c1");
			List<String> tokens = new ArrayList<>(context.getBean(ConversationSandboxes.class).secrets());
			assertThat(tokens).as("the agent tokens of the conversation's sandbox").isNotEmpty();
			String secrets = EmulatorFixture.API_KEY + " " + String.join(" ", tokens);
			results.add(call(context, SandboxTools.WRITE_FILE,
					"{\"path\":\"secrets.txt\",\"content\":\"" + secrets + "\"}", "c1"));
			results.add(call(context, SandboxTools.READ_FILE, "{\"path\":\"secrets.txt\"}", "c1"));
			results.add(call(context, SandboxTools.RUN_COMMAND, "{\"command\":\"cat secrets.txt >&2\"}", "c1"));
			results.add(call(context, SandboxTools.LIST_DIRECTORY, "{}", "c1"));
			for (String path : List.of("/" + EmulatorFixture.API_KEY, "missing/" + tokens.get(0), "secrets.txt/x")) {
				results.add(failure(() -> call(context, SandboxTools.READ_FILE, "{\"path\":\"" + path + "\"}", "c1")));
				results.add(failure(() -> call(context, SandboxTools.LIST_DIRECTORY, "{\"path\":\"" + path + "\"}", "c1")));
			}
			results.add(failure(() -> call(context, SandboxTools.READ_PROCESS_OUTPUT,
					"{\"process_id\":\"" + EmulatorFixture.API_KEY + "\"}", "c1")));
			assertThat(results).hasSize(12).allSatisfy((result) -> {
				assertThat(result).doesNotContain(EmulatorFixture.API_KEY).doesNotContain("\tat ");
				tokens.forEach((token) -> assertThat(result).doesNotContain(token));
			});
			assertThat(results.get(2)).contains("[REDACTED]");
			assertThat(sandboxId).isNotBlank();
		});
	}

	private static String failure(Runnable call) {
		try {
			call.run();
		}
		catch (ToolExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(SandboxToolException.class).hasNoCause();
			return ex.getMessage();
		}
		throw new AssertionError("the call did not fail");
	}

}
