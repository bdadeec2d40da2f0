package ai.together.sandbox.snapshots;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.Snapshots;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The management side of snapshots against WireMock (PROTOCOL.md §2.6, §5.1): request shapes,
 * path encodings, success codes, operation names and context strings.
 */
class SnapshotsManagementTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	static final String ID = "3f0c9a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6";

	RecordingSleeper sleeper = new RecordingSleeper();

	TogetherSandbox sdk;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), this.sleeper).build();
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void createFromImageRegistersThenAliases() {
		server.stubFor(post("/api/v1/snapshots").willReturn(created(FakeImageBuilder.snapshotJson(ID))));
		server.stubFor(post("/api/v1/snapshots/" + ID + "/aliases").willReturn(aResponse().withStatus(204)));
		List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

		CreateSnapshotResult result = this.sdk.snapshots()
			.create(ImageSnapshotParams.builder("node:22").alias("my-node@latest").onProgress(progress::add).build());

		assertThat(result).isEqualTo(new CreateSnapshotResult(ID, "my-node@latest"));
		assertThat(progress).containsExactly(
				new SnapshotProgress(SnapshotStep.REGISTER, "Creating snapshot from image..."),
				new SnapshotProgress(SnapshotStep.ALIAS, "Creating alias..."));
		server.verify(postRequestedFor(urlEqualTo("/api/v1/snapshots"))
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"image\":\"node:22\",\"architecture\":\"amd64\"}", false, false)));
		server.verify(postRequestedFor(urlEqualTo("/api/v1/snapshots/" + ID + "/aliases"))
			.withRequestBody(equalToJson("{\"alias\":\"my-node@latest\"}", false, false)));
		assertThat(requestLines()).containsExactly("POST /api/v1/snapshots", "POST /api/v1/snapshots/" + ID + "/aliases");
	}

	@Test
	void createFromImageWithoutAliasMakesOneCall() {
		// The server's id is reported in canonical lower-case form.
		server.stubFor(post("/api/v1/snapshots").willReturn(created(FakeImageBuilder.snapshotJson(ID.toUpperCase()))));
		List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

		StepVerifier.create(this.sdk.reactive()
			.snapshots()
			.create(ImageSnapshotParams.builder("registry.example.com/org/app:tag").onProgress(progress::add).build()))
			.expectNext(new CreateSnapshotResult(ID, null))
			.verifyComplete();

		assertThat(progress).extracting(SnapshotProgress::step).containsExactly(SnapshotStep.REGISTER);
		assertThat(requestLines()).containsExactly("POST /api/v1/snapshots");
	}

	@Test
	void aliasSendsTheCanonicalUuidAndAcceptsNoContent() {
		server.stubFor(post("/api/v1/snapshots/" + ID + "/aliases").willReturn(aResponse().withStatus(204)));

		this.sdk.snapshots().alias(ID.toUpperCase(), "my-app@v1");

		server.verify(postRequestedFor(urlEqualTo("/api/v1/snapshots/" + ID + "/aliases"))
			.withRequestBody(equalToJson("{\"alias\":\"my-app@v1\"}", false, false)));
	}

	@Test
	void getByIdMapsTheSnapshot() {
		server.stubFor(get("/api/v1/snapshots/" + ID).willReturn(okJson(FakeImageBuilder.snapshotJson(ID))));

		SnapshotInfo info = this.sdk.snapshots().getById(" " + ID.toUpperCase() + " ");

		assertThat(info).isEqualTo(new SnapshotInfo(ID, "proj-1", 1048576, true, false, false,
				Instant.parse("2026-05-12T10:00:00Z"), Instant.parse("2026-05-12T10:05:00Z"), null));
		assertThat(requestLines()).containsExactly("GET /api/v1/snapshots/" + ID);
	}

	@Test
	void getByAliasEncodesTheAliasAfterALiteralAt() {
		server.stubFor(any(anyUrl()).willReturn(okJson(FakeImageBuilder.snapshotJson(ID))));

		this.sdk.snapshots().getByAlias("my-app@v1");
		this.sdk.snapshots().getByAlias("@team/app v2");

		assertThat(requestLines()).containsExactly("GET /api/v1/snapshots/@my-app%40v1",
				"GET /api/v1/snapshots/@%40team%2Fapp%20v2");
	}

	@Test
	void listReturnsEverySnapshot() {
		server.stubFor(get("/api/v1/snapshots").willReturn(okJson("[" + FakeImageBuilder.snapshotJson(ID) + ","
				+ FakeImageBuilder.snapshotJson("00000000-0000-0000-0000-000000000001") + "]")));

		List<SnapshotInfo> snapshots = this.sdk.snapshots().list();

		assertThat(snapshots).extracting(SnapshotInfo::id).containsExactly(ID, "00000000-0000-0000-0000-000000000001");
		assertThat(requestLines()).containsExactly("GET /api/v1/snapshots");
	}

	@Test
	void deleteByIdAndByAliasAcceptNoContent() {
		server.stubFor(delete(anyUrl()).willReturn(aResponse().withStatus(204)));

		this.sdk.snapshots().deleteById(ID);
		this.sdk.snapshots().deleteByAlias("@@my-app@v1");
		this.sdk.snapshots().deleteByAlias("plain");

		assertThat(requestLines()).containsExactly("DELETE /api/v1/snapshots/" + ID,
				"DELETE /api/v1/snapshots/@my-app%40v1", "DELETE /api/v1/snapshots/@plain");
	}

	@Test
	void errorsNameTheOperationAndContext() {
		String notFound = "{\"code\":\"NOT_FOUND\",\"message\":\"snapshot not found\",\"errors\":[]}";
		server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(notFound)));

		assertThatThrownBy(() -> this.sdk.snapshots().getById(ID)).isInstanceOf(HttpException.class)
			.hasMessage("Failed to snapshots.getById for id '" + ID + "': snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().getByAlias("my-app@v1"))
			.hasMessage("Failed to snapshots.getByAlias for alias 'my-app@v1': snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().deleteById(ID))
			.hasMessage("Failed to snapshots.deleteById for snapshot '" + ID + "': snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().deleteByAlias("@my-app@v1")).hasMessage(
				"Failed to snapshots.deleteByAlias for snapshot '@my-app@v1': snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().alias(ID, "x"))
			.hasMessage("Failed to snapshots.alias for snapshot '" + ID + "': snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().list())
			.hasMessage("Failed to snapshots.list: snapshot not found (code: NOT_FOUND)");
		assertThatThrownBy(() -> this.sdk.snapshots().create(ImageSnapshotParams.of("node:22")))
			.isInstanceOfSatisfying(HttpException.class, (ex) -> {
				assertThat(ex.operation()).isEqualTo("snapshots.create");
				assertThat(ex.status()).isEqualTo(404);
			});
	}

	@Test
	void invalidArgumentsFailBeforeAnyRequest() {
		Snapshots snapshots = this.sdk.snapshots();

		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.getById("not-a-uuid"))
			.withMessage("snapshotId must be a UUID, was 'not-a-uuid'");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.deleteById("1-2-3-4-5"))
			.withMessageContaining("snapshotId must be a UUID");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.alias("nope", "a"))
			.withMessageContaining("snapshotId");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.alias(ID, " "))
			.withMessageContaining("alias");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.getByAlias(""))
			.withMessageContaining("alias");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.deleteByAlias("@@@"))
			.withMessageContaining("alias");
		assertThatIllegalArgumentException().isThrownBy(() -> ImageSnapshotParams.of(" "))
			.withMessageContaining("image");
		assertThatIllegalArgumentException().isThrownBy(() -> snapshots.create((ImageSnapshotParams) null))
			.withMessageContaining("params");
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void snapshotCreationIsRetriedByDefaultButCanBeExcluded() {
		server.stubFor(post("/api/v1/snapshots").willReturn(aResponse().withStatus(500)));

		assertThatThrownBy(() -> this.sdk.snapshots().create(ImageSnapshotParams.of("node:22")))
			.isInstanceOf(HttpException.class);
		assertThat(server.getAllServeEvents()).hasSize(3);

		server.resetRequests();
		try (TogetherSandbox careful = TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.builder().excludedOperations(List.of("snapshots.create")).build())
			.build()) {
			assertThatThrownBy(() -> careful.snapshots().create(ImageSnapshotParams.of("node:22")))
				.isInstanceOf(HttpException.class)
				.hasMessage("snapshots.create returned no response (HTTP 500)");
		}
		assertThat(server.getAllServeEvents()).hasSize(1);
	}

	@Test
	void registryCredentialIsIssuedAndItsPasswordNeverPrinted() {
		server.stubFor(post("/api/v1/container-registries/default/credentials").willReturn(created(
				"{\"username\":\"robot\",\"password\":\"s3cr3t-pw\",\"registry_url\":\"registry.example.com/nbswy3dp\","
						+ "\"expired_at\":null}")));

		ContainerRegistryCredential credential = this.sdk.snapshots().issueRegistryCredential();

		assertThat(credential.password()).isEqualTo("s3cr3t-pw");
		assertThat(credential.registryHost()).isEqualTo("registry.example.com");
		assertThat(credential.toString()).doesNotContain("s3cr3t-pw").contains("[REDACTED]");
		assertThat(requestLines()).containsExactly("POST /api/v1/container-registries/default/credentials");
	}

	@Test
	void progressStepsHaveTheSeedsNames() {
		assertThat(List.of(SnapshotStep.PREPARE, SnapshotStep.BUILD, SnapshotStep.AUTH, SnapshotStep.PUSH,
				SnapshotStep.REGISTER, SnapshotStep.MEMORY_SNAPSHOT, SnapshotStep.ALIAS))
			.extracting(SnapshotStep::value)
			.containsExactly("prepare", "build", "auth", "push", "register", "memory-snapshot", "alias");
		assertThat(SnapshotStep.of("build")).isSameAs(SnapshotStep.BUILD);
		assertThat(SnapshotStep.of("later").isKnown()).isFalse();
	}

	private static List<String> requestLines() {
		List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
		// WireMock lists the newest first.
		Collections.reverse(events);
		return events.stream().map((event) -> event.getRequest().getMethod() + " " + event.getRequest().getUrl()).toList();
	}

	private static ResponseDefinitionBuilder created(String json) {
		return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(json);
	}

	private static ResponseDefinitionBuilder okJson(String json) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
	}

}
