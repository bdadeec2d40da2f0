package ai.together.sandbox.ai;

import java.time.Duration;
import java.util.Map;

import ai.together.sandbox.sandboxes.SandboxStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The binding of sandboxes to conversations: idle shutdown, the limit of sandboxes at once, and
 * the shutdown of every sandbox when the application stops.
 */
class ConversationSandboxesTests {

	private static EmulatorFixture emulator;

	@BeforeAll
	static void startEmulator() {
		emulator = new EmulatorFixture();
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	private static String runCommand(AssertableApplicationContext context, String conversation) {
		ToolCallback tool = context.getBean(SandboxTools.class).getToolCallbacks()[0];
		assertThat(tool.getToolDefinition().name()).isEqualTo(SandboxTools.RUN_COMMAND);
		return tool.call("{\"command\":\"echo ok\"}", new ToolContext(Map.of(ChatMemory.CONVERSATION_ID, conversation)));
	}

	@Test
	void anIdleSandboxIsShutDownAndTheConversationGetsANewOneOnItsNextCall() {
		emulator.contextRunner().withPropertyValues("together.sandbox.ai.idle-timeout=400ms").run((context) -> {
			ConversationSandboxes sandboxes = context.getBean(ConversationSandboxes.class);
			runCommand(context, "c1");
			String first = sandboxes.sandboxIds().get("c1");
			assertThat(emulator.status(first)).isEqualTo(SandboxStatus.RUNNING);
			await().atMost(Duration.ofSeconds(10)).until(() -> sandboxes.sandboxIds().isEmpty());
			await().atMost(Duration.ofSeconds(10)).until(() -> SandboxStatus.STOPPED.equals(emulator.status(first)));
			runCommand(context, "c1");
			assertThat(sandboxes.sandboxIds().get("c1")).isNotNull().isNotEqualTo(first);
		});
	}

	@Test
	void aSandboxInUseIsKeptWhileCallsKeepComing() {
		emulator.contextRunner().withPropertyValues("together.sandbox.ai.idle-timeout=1500ms").run((context) -> {
			ConversationSandboxes sandboxes = context.getBean(ConversationSandboxes.class);
			runCommand(context, "c1");
			String first = sandboxes.sandboxIds().get("c1");
			long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
			// Calls 0.5 s apart for 2.5 s: longer than the idle timeout in all, never idle for it.
			while (System.nanoTime() < end) {
				await().pollDelay(Duration.ofMillis(500)).until(() -> true);
				runCommand(context, "c1");
				assertThat(sandboxes.sandboxIds()).containsEntry("c1", first);
			}
		});
	}

	@Test
	void aNewConversationBeyondTheLimitIsRefusedUntilASandboxIsReleased() {
		emulator.contextRunner().withPropertyValues("together.sandbox.ai.max-sandboxes=1").run((context) -> {
			ConversationSandboxes sandboxes = context.getBean(ConversationSandboxes.class);
			runCommand(context, "c1");
			assertThatExceptionOfType(ToolExecutionException.class).isThrownBy(() -> runCommand(context, "c2"))
				.withMessage("All 1 sandboxes are in use by other conversations; no new sandbox can be created now."
						+ " Try again later.");
			// The conversation that has the sandbox goes on using it.
			assertThat(runCommand(context, "c1")).contains("ok");
			String first = sandboxes.sandboxIds().get("c1");
			assertThat(sandboxes.release("c1")).isTrue();
			assertThat(emulator.status(first)).isEqualTo(SandboxStatus.STOPPED);
			assertThat(runCommand(context, "c2")).contains("ok");
			assertThat(sandboxes.sandboxIds()).containsOnlyKeys("c2");
		});
	}

	@Test
	void stoppingTheApplicationShutsEverySandboxDown() {
		String[] ids = new String[2];
		emulator.contextRunner().run((context) -> {
			runCommand(context, "c1");
			runCommand(context, "c2");
			Map<String, String> sandboxIds = context.getBean(ConversationSandboxes.class).sandboxIds();
			ids[0] = sandboxIds.get("c1");
			ids[1] = sandboxIds.get("c2");
			assertThat(emulator.status(ids[0])).isEqualTo(SandboxStatus.RUNNING);
		});
		assertThat(ids).doesNotContainNull();
		assertThat(emulator.status(ids[0])).isEqualTo(SandboxStatus.STOPPED);
		assertThat(emulator.status(ids[1])).isEqualTo(SandboxStatus.STOPPED);
	}

}
