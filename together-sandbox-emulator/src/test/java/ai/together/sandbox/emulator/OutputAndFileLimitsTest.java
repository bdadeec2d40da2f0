package ai.together.sandbox.emulator;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The configured limits of kept exec output and of file sizes, through the agent API.
 */
class OutputAndFileLimitsTest {

	private SandboxEmulator emulator;

	private EmulatorClient client;

	private Sandbox sandbox;

	private void start(EmulatorOptions options) {
		this.emulator = SandboxEmulator.start(options);
		this.client = new EmulatorClient(this.emulator);
		this.sandbox = this.client.newSandbox(this.client.createSnapshot());
	}

	@AfterEach
	void stop() {
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	private String exec(String script) {
		Response created = this.client.agent(this.sandbox, "POST", "/api/v1/execs",
				Map.of("command", "sh", "args", List.of("-c", script)), "ExecItem");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		return created.body().get("id").asString();
	}

	private JsonNode output(String id, String query) {
		return this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + enc(id) + "/io" + query, null, "ExecStdout[]")
			.body();
	}

	private static long bytes(JsonNode messages) {
		long total = 0;
		for (JsonNode message : messages) {
			total += message.get("output").asString().length();
		}
		return total;
	}

	@Test
	void keptOutputIsCappedPerExecAndInTotalAndResumesFromWhatIsKept() {
		start(EmulatorOptions.builder().maxExecOutputBytes(64 * 1024).maxTotalExecOutputBytes(256 * 1024).build());
		// Ten execs of 200 KB each: 2 MB in all, eight times the total cap.
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(exec("head -c 200000 /dev/zero | tr '\\0' z; echo; echo done " + i));
		}
		for (String id : ids) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + enc(id), null, "ExecItem")
					.body()
					.get("status")
					.asString(), "FINISHED"::equals);
		}
		long total = 0;
		for (int n = 0; n < ids.size(); n++) {
			String id = ids.get(n);
			JsonNode messages = output(id, "");
			assertThat(bytes(messages)).isLessThanOrEqualTo(64 * 1024);
			total += bytes(messages);
			JsonNode last = messages.get(messages.size() - 1);
			assertThat(last.get("exitCode").asInt()).isZero();
			// The newest output is kept, numbered as it was: the first kept message is not the first.
			StringBuilder text = new StringBuilder();
			messages.forEach(message -> text.append(message.get("output").asString()));
			assertThat(text.toString()).endsWith("z\ndone " + n + "\n");
			int first = messages.get(0).get("sequence").asInt();
			assertThat(first).isGreaterThan(1);
			for (int i = 1; i < messages.size(); i++) {
				assertThat(messages.get(i).get("sequence").asInt()).isEqualTo(first + i);
			}
			// A resume from a dropped message gets what is kept; -k the last k messages.
			assertThat(output(id, "?lastSequence=1")).isEqualTo(messages);
			assertThat(output(id, "?lastSequence=-2")).containsExactly(messages.get(messages.size() - 2), last);
			// The stream replays the same and ends with the exit message.
			List<JsonNode> streamed = EmulatorClient.sse(
					this.sandbox.agentUrl() + "/api/v1/stream/execs/" + id + "/io?lastSequence=1",
					this.sandbox.agentToken(), events -> events.get(events.size() - 1).hasNonNull("exitCode"),
					Duration.ofSeconds(10));
			assertThat(streamed).containsExactlyElementsOf(messages);
		}
		assertThat(total).isLessThanOrEqualTo(256 * 1024);
	}

	@Test
	void deletedExecsGiveTheirShareOfTheTotalBack() {
		start(EmulatorOptions.builder().maxExecOutputBytes(64 * 1024).maxTotalExecOutputBytes(128 * 1024).build());
		for (int round = 0; round < 3; round++) {
			// Larger each round: were the deleted execs still counted, these would be the largest
			// and trimmed first.
			int size = 30_000 + 5_000 * round;
			String script = "head -c " + size + " /dev/zero | tr '\\0' y";
			String first = exec(script);
			String second = exec(script);
			for (String id : List.of(first, second)) {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + enc(id), null, "ExecItem")
						.body()
						.get("status")
						.asString(), "FINISHED"::equals);
				JsonNode messages = output(id, "");
				assertThat(messages.get(0).get("sequence").asInt()).as("round %d", round).isEqualTo(1);
				assertThat(bytes(messages)).as("round %d", round).isEqualTo(size);
			}
			for (String id : List.of(first, second)) {
				assertThat(this.client.agent(this.sandbox, "DELETE", "/api/v1/execs/" + enc(id), null, null).status())
					.isEqualTo(200);
			}
		}
	}

	@Test
	void filesOverTheMaximumSizeAre413() {
		start(EmulatorOptions.builder().maxFileBytes(100_000).build());
		String id = exec("head -c 100001 /dev/zero > over.bin; head -c 100000 /dev/zero | tr '\\0' x > limit.txt");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.client.agent(this.sandbox, "GET", "/api/v1/execs/" + enc(id), null, "ExecItem")
				.body()
				.get("status")
				.asString(), "FINISHED"::equals);
		Response over = this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/over.bin"), null, null);
		assertThat(over.status()).isEqualTo(413);
		assertThat(over.body().get("code").asInt()).isEqualTo(413);
		assertThat(over.body().get("message").asString()).contains("/over.bin").contains("100000");
		Response limit = this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/limit.txt"), null,
				"FileReadResponse");
		assertThat(limit.status()).isEqualTo(200);
		assertThat(limit.body().get("content").asString()).isEqualTo("x".repeat(100_000));
		// An upload is a file too: over the maximum file size it is refused (the upload limit is larger).
		Response upload = this.client.agent(this.sandbox, "POST", "/api/v1/files/" + enc("/limit.txt"),
				HttpRequest.BodyPublishers.ofByteArray(new byte[100_001]), null);
		assertThat(upload.status()).isEqualTo(413);
		assertThat(upload.body().get("code").asInt()).isEqualTo(413);
		assertThat(this.client.agent(this.sandbox, "GET", "/api/v1/files/" + enc("/limit.txt"), null, "FileReadResponse")
			.body()
			.get("content")
			.asString()).isEqualTo("x".repeat(100_000));
	}

	@Test
	void limitsAreSetFromTheCommandLine() {
		EmulatorOptions options = EmulatorMain.parse(new String[] { "--max-exec-output", "64KiB",
				"--max-total-exec-output=1g", "--max-file", "4m", "--max-upload", "1024" });
		assertThat(options.maxExecOutputBytes()).isEqualTo(64 * 1024);
		assertThat(options.maxTotalExecOutputBytes()).isEqualTo(1024L * 1024 * 1024);
		assertThat(options.maxFileBytes()).isEqualTo(4 * 1024 * 1024);
		assertThat(options.maxUploadBytes()).isEqualTo(1024);
		EmulatorOptions defaults = EmulatorMain.parse(new String[0]);
		assertThat(defaults.maxExecOutputBytes()).isEqualTo(EmulatorOptions.DEFAULT_MAX_EXEC_OUTPUT_BYTES);
		assertThat(defaults.maxTotalExecOutputBytes()).isEqualTo(EmulatorOptions.DEFAULT_MAX_TOTAL_EXEC_OUTPUT_BYTES);
		assertThat(defaults.maxFileBytes()).isEqualTo(EmulatorOptions.DEFAULT_MAX_FILE_BYTES);
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorMain.parse(new String[] { "--max-file", "4 lots" }))
			.withMessageContaining("--max-file needs a size");
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorMain.parse(new String[] { "--max-file", "0" }))
			.withMessageContaining("must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmulatorMain.parse(new String[] { "--max-file", "99999999999g" }))
			.withMessageContaining("--max-file needs a size");
	}

}
