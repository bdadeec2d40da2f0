package ai.together.sandbox.files;

import ai.together.sandbox.SandboxDirectories;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SandboxDirectoriesTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	private static final String AGENT = FakeSandboxServer.AGENT_PREFIX;

	private SandboxDirectories directories;

	@BeforeEach
	void connect() {
		this.directories = this.fake.sandbox().directories();
	}

	@Test
	void listReturnsTheEntries() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/directories/%2Fsrc"))
			.willReturn(okJson("{\"path\":\"/src\",\"files\":["
					+ "{\"name\":\"main.py\",\"path\":\"/src/main.py\",\"isDir\":false,\"size\":12,\"modTime\":\"t1\"},"
					+ "{\"name\":\"lib\",\"path\":\"/src/lib\",\"isDir\":true,\"size\":4096,\"modTime\":\"t2\"}]}")));

		assertThat(this.directories.list("/src")).containsExactly(
				new FileInfo("main.py", "/src/main.py", false, 12, "t1"),
				new FileInfo("lib", "/src/lib", true, 4096, "t2"));
		server.verify(SandboxFilesTest.agentRequest(getRequestedFor(urlEqualTo(AGENT + "/api/v1/directories/%2Fsrc"))));
	}

	@Test
	void listOfTheRootEncodesTheSlash() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/directories/%2F"))
			.willReturn(okJson("{\"path\":\"/\",\"files\":[]}")));

		StepVerifier.create(this.fake.reactive().directories().list("/")).verifyComplete();
	}

	@Test
	void createPostsWithoutBody() {
		server.stubFor(post(urlEqualTo(AGENT + "/api/v1/directories/%2Fsrc%2Futils")).willReturn(aResponse()
			.withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"created\",\"path\":\"/src/utils\"}")));

		this.directories.create("/src/utils");

		server.verify(SandboxFilesTest
			.agentRequest(postRequestedFor(urlEqualTo(AGENT + "/api/v1/directories/%2Fsrc%2Futils")))
			.withHeader("Content-Type", absent())
			.withRequestBody(absent()));
	}

	@Test
	void deleteSendsDelete() {
		server.stubFor(delete(urlEqualTo(AGENT + "/api/v1/directories/%2Ftmp%2Fscratch"))
			.willReturn(okJson("{\"message\":\"deleted\",\"path\":\"/tmp/scratch\"}")));

		this.directories.delete("/tmp/scratch");

		server.verify(SandboxFilesTest
			.agentRequest(deleteRequestedFor(urlEqualTo(AGENT + "/api/v1/directories/%2Ftmp%2Fscratch"))));
	}

	@Test
	void errorsNameTheOperationAndThePath() {
		server.stubFor(get(urlEqualTo(AGENT + "/api/v1/directories/%2Fnope")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":404,\"message\":\"directory not found\"}")));

		assertThatExceptionOfType(HttpException.class).isThrownBy(() -> this.directories.list("/nope"))
			.withMessage("Failed to directories.list for path '/nope': directory not found (code: 404)");
		assertThatIllegalArgumentException().isThrownBy(() -> this.directories.delete(null))
			.withMessage("path must not be null");
	}

}
