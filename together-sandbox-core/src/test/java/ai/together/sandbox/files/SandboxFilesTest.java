package ai.together.sandbox.files;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SandboxFilesTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	private static final String AGENT = FakeSandboxServer.AGENT_PREFIX;

	private final List<String> retriedOperations = new CopyOnWriteArrayList<>();

	private SandboxFiles files;

	@BeforeEach
	void connect() {
		RetryConfig retry = RetryConfig.builder()
			.onRetry((context) -> this.retriedOperations.add(context.operation()))
			.build();
		this.files = this.fake.connect((builder) -> builder.retry(retry)).sandbox().files();
	}

	@Test
	void readSendsTheWholePathAsOneEncodedSegmentWithTheAgentToken() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fsrc%2Fmain.py"))
			.willReturn(okJson("{\"path\":\"/src/main.py\",\"content\":\"print('hi')\\n\",\"encoding\":\"utf-8\"}")));

		assertThat(this.files.read("/src/main.py")).isEqualTo("print('hi')\n");

		server.verify(agentRequest(getRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fsrc%2Fmain.py"))));
	}

	@Test
	void readEncodesARelativePathWithSpacesLikeThePythonSdk() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/src%2Fa%20b.txt"))
			.willReturn(okJson("{\"path\":\"src/a b.txt\",\"content\":\"x\",\"encoding\":\"utf-8\"}")));

		assertThat(this.files.read("src/a b.txt")).isEqualTo("x");
	}

	@Test
	void readReturnsBase64ContentUnchangedWhileReadBytesDecodesIt() {
		byte[] bytes = { 0, (byte) 0xFF, 0x10, (byte) 0x80 };
		String base64 = Base64.getEncoder().encodeToString(bytes);
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fdata.bin")).willReturn(
				okJson("{\"path\":\"/data.bin\",\"content\":\"" + base64 + "\",\"encoding\":\"base64\"}")));

		assertThat(this.files.read("/data.bin")).isEqualTo(base64);
		assertThat(this.files.readBytes("/data.bin")).containsExactly(bytes);
		FileContent content = this.files.readContent("/data.bin");
		assertThat(content.encoding()).isEqualTo(FileEncoding.BASE64);
		assertThat(content.path()).isEqualTo("/data.bin");
		assertThat(content.toString()).doesNotContain(base64);
	}

	@Test
	void readBytesEncodesUtf8TextBackToItsBytes() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fhello.txt"))
			.willReturn(okJson("{\"path\":\"/hello.txt\",\"content\":\"Hello 世界 🌍\",\"encoding\":\"utf-8\"}")));

		assertThat(this.files.readBytes("/hello.txt")).isEqualTo("Hello 世界 🌍".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void readBytesRejectsAnUnknownEncodingClearly() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fz"))
			.willReturn(okJson("{\"path\":\"/z\",\"content\":\"x\",\"encoding\":\"gzip\"}")));

		assertThat(this.files.readContent("/z").encoding().isKnown()).isFalse();
		assertThatExceptionOfType(TogetherSandboxException.class).isThrownBy(() -> this.files.readBytes("/z"))
			.withMessage("The content of '/z' has an unsupported encoding 'gzip'");
	}

	@Test
	void createFromTextSendsUtf8BytesAsOctetStreamAndReturnsTheEcho() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/files/%2Fhello.txt")).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"path\":\"/hello.txt\",\"content\":\"Hello, wörld!\",\"encoding\":\"utf-8\"}")));

		FileContent created = this.files.create("/hello.txt", "Hello, wörld!");

		assertThat(created).isEqualTo(new FileContent("/hello.txt", "Hello, wörld!", FileEncoding.UTF_8));
		server.verify(agentRequest(postRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fhello.txt")))
			.withHeader("Content-Type", equalTo("application/octet-stream"))
			.withRequestBody(binaryEqualTo("Hello, wörld!".getBytes(StandardCharsets.UTF_8))));
	}

	@Test
	void createFromBytesSendsThemUnchanged() {
		byte[] bytes = new byte[256];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		String base64 = Base64.getEncoder().encodeToString(bytes);
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/files/%2Fdata.bin")).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"path\":\"/data.bin\",\"content\":\"" + base64 + "\",\"encoding\":\"base64\"}")));

		FileContent created = this.files.create("/data.bin", bytes);

		assertThat(created.bytes()).isEqualTo(bytes);
		server.verify(agentRequest(postRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fdata.bin")))
			.withHeader("Content-Type", equalTo("application/octet-stream"))
			.withRequestBody(binaryEqualTo(bytes)));
	}

	@Test
	void deleteSendsDelete() {
		server.stubFor(delete(urlEqualTo(AGENT + "/api/v1/files/%2Fold.txt"))
			.willReturn(okJson("{\"message\":\"deleted\",\"path\":\"/old.txt\"}")));

		this.files.delete("/old.txt");

		server.verify(agentRequest(deleteRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fold.txt"))));
	}

	@Test
	void moveAndCopyPatchTheSourceWithActionAndDestination() {
		server.stubFor(patch(urlEqualTo(AGENT + "/api/v1/files/%2Fsrc%2Fold.py"))
			.willReturn(okJson("{\"message\":\"ok\",\"from\":\"/src/old.py\",\"to\":\"/src/new.py\"}")));

		this.files.move("/src/old.py", "/src/new.py");
		this.files.copy("/src/old.py", "/src/copy.py");

		server.verify(agentRequest(patchRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fsrc%2Fold.py")))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"action\":\"move\",\"destination\":\"/src/new.py\"}")));
		server.verify(agentRequest(patchRequestedFor(urlEqualTo(AGENT + "/api/v1/files/%2Fsrc%2Fold.py")))
			.withRequestBody(equalToJson("{\"action\":\"copy\",\"destination\":\"/src/copy.py\"}")));
	}

	@Test
	void statReadsFileInfo() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/file_stat/%2Fpackage.json"))
			.willReturn(okJson("{\"name\":\"package.json\",\"path\":\"/package.json\",\"isDir\":false,"
					+ "\"size\":1234,\"modTime\":\"2026-05-12T10:00:00Z\",\"extra\":1}")));

		FileInfo info = this.files.stat("/package.json");

		assertThat(info).isEqualTo(new FileInfo("package.json", "/package.json", false, 1234, "2026-05-12T10:00:00Z"));
		server.verify(agentRequest(getRequestedFor(urlEqualTo(AGENT + "/api/v1/file_stat/%2Fpackage.json"))));
	}

	@Test
	void watchSendsThePathRawWithRepeatedIgnorePatternsAndMapsEvents() {
		String url = AGENT + "/api/v1/stream/directories/watcher//src?recursive=true"
				+ "&ignorePatterns=node_modules&ignorePatterns=%2A.log";
		server.stubFor(get(urlEqualTo(url)).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody(AgentResponses.events(
					"{\"paths\":[],\"type\":\"connected\",\"timestamp\":\"2026-05-12T10:00:00Z\"}",
					"{\"paths\":[\"/src/a.txt\",\"/src/b.txt\"],\"type\":\"ADD\","
							+ "\"timestamp\":\"2026-05-12T10:00:01Z\"}"))));

		List<WatchEvent> events;
		try (StreamResponse<WatchEvent> watch = this.files.watch("/src", true, List.of("node_modules", "*.log"))) {
			events = watch.stream().toList();
		}

		assertThat(events).containsExactly(
				new WatchEvent(List.of(), WatchEventType.CONNECTED, Instant.parse("2026-05-12T10:00:00Z")),
				new WatchEvent(List.of("/src/a.txt", "/src/b.txt"), WatchEventType.ADD,
						Instant.parse("2026-05-12T10:00:01Z")));
		server.verify(agentRequest(getRequestedFor(urlEqualTo(url))));
	}

	@Test
	void watchWithoutOptionsSendsNoQuery() {
		String url = AGENT + "/api/v1/stream/directories/watcher/src";
		server.stubFor(get(urlEqualTo(url)).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody(AgentResponses.events("{\"paths\":[\"src/x\"],\"type\":\"REMOVE\",\"timestamp\":null}"))));

		StepVerifier.create(this.fake.reactive().files().watch("src"))
			.expectNext(new WatchEvent(List.of("src/x"), WatchEventType.REMOVE, null))
			.verifyComplete();
		server.verify(agentRequest(getRequestedFor(urlEqualTo(url))));
	}

	@Test
	void watchFailsWithHttpExceptionOnAnErrorStatus() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/stream/directories/watcher//nope"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"code\":400,\"message\":\"not a directory\"}")));

		try (StreamResponse<WatchEvent> watch = this.files.watch("/nope")) {
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> watch.iterator().hasNext())
				.satisfies((error) -> assertThat(error.status()).isEqualTo(400))
				.withMessage("Failed to files.watch for path '/nope': not a directory (code: 400)");
		}
	}

	@Test
	void errorsNameTheOperationAndThePath() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/files/%2Fmissing.txt")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":404,\"message\":\"file not found\"}")));
		server.stubFor(patch(urlEqualTo(AGENT + "/api/v1/files/%2Fa")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":400,\"message\":\"bad destination\"}")));

		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.files.read("/missing.txt"))
			.withMessage("Failed to files.read for path '/missing.txt': file not found (code: 404)")
			.satisfies((error) -> {
				assertThat(error.status()).isEqualTo(404);
				assertThat(error.operation()).isEqualTo("files.read");
				assertThat(error.code()).isEqualTo("404");
			});
		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.files.move("/a", "/b"))
			.withMessage("Failed to files.move from '/a' to '/b': bad destination (code: 400)");
		assertThat(this.retriedOperations).isEmpty();
	}

	@Test
	void retriesUnderTheFilesOperationName() {
		String url = AGENT + "/api/v1/file_stat/%2Fa";
		server.stubFor(get(urlEqualTo(url)).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("recovered"));
		server.stubFor(get(urlEqualTo(url)).inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(okJson("{\"name\":\"a\",\"path\":\"/a\",\"isDir\":true,\"size\":0,\"modTime\":\"t\"}")));

		assertThat(this.files.stat("/a").isDir()).isTrue();
		assertThat(this.retriedOperations).containsExactly("files.stat");
		server.verify(2, getRequestedFor(urlEqualTo(url)));
	}

	@Test
	void rejectsBadArgumentsBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.files.read(""))
			.withMessageContaining("path");
		assertThatIllegalArgumentException().isThrownBy(() -> this.files.create("/a", (byte[]) null))
			.withMessageContaining("content");
		assertThatIllegalArgumentException().isThrownBy(() -> this.files.move("/a", " "))
			.withMessageContaining("to");
		assertThatIllegalArgumentException().isThrownBy(() -> this.files.watch("/a\n"))
			.withMessageContaining("path");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.files.watch("/a", null, Arrays.asList("x", null)))
			.withMessageContaining("ignorePatterns[1]");
		server.verify(0, RequestPatternBuilder.allRequests().withUrl(AGENT + "/api/v1/files/%2Fa"));
	}

	static RequestPatternBuilder agentRequest(RequestPatternBuilder pattern) {
		return pattern.withHeader("Authorization", equalTo("Bearer " + FakeSandboxServer.AGENT_TOKEN));
	}

}
