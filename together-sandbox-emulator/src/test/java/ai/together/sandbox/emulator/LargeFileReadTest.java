package ai.together.sandbox.emulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.emulator.EmulatorClient.Response;
import ai.together.sandbox.emulator.EmulatorClient.Sandbox;
import ai.together.sandbox.emulator.OpenApiSchemas.Api;
import org.junit.jupiter.api.Test;

import static ai.together.sandbox.emulator.EmulatorClient.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A file larger than any array (a sparse file of 2.2 GB, made by an exec) is answered at once
 * with the agent API's 413, with the default settings.
 */
class LargeFileReadTest {

	@Test
	void readingAFileOverTheDefaultMaximumAnswers413AtOnce() {
		try (SandboxEmulator emulator = SandboxEmulator.start()) {
			EmulatorClient client = new EmulatorClient(emulator);
			Sandbox sandbox = client.newSandbox(client.createSnapshot());
			Response created = client.agent(sandbox, "POST", "/api/v1/execs",
					Map.of("command", "truncate", "args", List.of("-s", "2200M", "huge.bin")), "ExecItem");
			String id = created.body().get("id").asString();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.agent(sandbox, "GET", "/api/v1/execs/" + enc(id), null, "ExecItem")
					.body()
					.get("exitCode")
					.asInt(-1), code -> code == 0);
			HttpRequest read = HttpRequest
				.newBuilder(URI.create(sandbox.agentUrl() + "/api/v1/files/" + enc("/huge.bin")))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Bearer " + sandbox.agentToken())
				.GET()
				.build();
			Response response = EmulatorClient.send(read);
			EmulatorClient.check(Api.AGENT, response, null);
			assertThat(response.status()).as(response.text()).isEqualTo(413);
			assertThat(response.body().get("code").asInt()).isEqualTo(413);
			assertThat(response.body().get("message").asString()).contains("/huge.bin");
		}
	}

}
