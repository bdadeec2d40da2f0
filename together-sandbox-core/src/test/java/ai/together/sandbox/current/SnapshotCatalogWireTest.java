package ai.together.sandbox.current;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.ReactivePage;
import ai.together.sandbox.SnapshotCatalog;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static ai.together.sandbox.current.CurrentWire.OTHER_ID;
import static ai.together.sandbox.current.CurrentWire.SANDBOX_ID;
import static ai.together.sandbox.current.CurrentWire.SNAPSHOT_ID;
import static ai.together.sandbox.current.CurrentWire.json;
import static ai.together.sandbox.current.CurrentWire.page;
import static ai.together.sandbox.current.CurrentWire.snapshot;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
 * The snapshots, aliases, registry credentials and authorize of the current generation against
 * WireMock: exact paths (the {@code @alias} segment percent-encoded), queries, bodies and
 * success codes.
 */
class SnapshotCatalogWireTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	TogetherSandbox sdk;

	SnapshotCatalog snapshots;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build();
		this.snapshots = this.sdk.current().snapshots();
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void registerPostsTheSpecAndAliasesIt() {
		server.stubFor(post("/v1/snapshots").willReturn(json(201, snapshot(SNAPSHOT_ID))));
		server.stubFor(post("/v1/snapshots/" + SNAPSHOT_ID + "/aliases").willReturn(aResponse().withStatus(204)));

		SnapshotDetails details = this.snapshots.register(SnapshotSpec.builder("node:22")
			.architecture("arm64")
			.ttl(Duration.ofDays(1))
			.tag("app", "web")
			.build(), "my-node@latest");
		this.snapshots.register(SnapshotSpec.of("registry.example.com/org/app:1"));

		assertThat(details).isEqualTo(new SnapshotDetails(SNAPSHOT_ID, "org_1", "proj_1", 1048576, Map.of("app", "web"),
				null, false, Instant.parse("2026-08-18T10:00:00Z"), null, Instant.parse("2026-08-18T10:05:00Z")));
		assertThat(details.isRetired()).isFalse();
		List<LoggedRequest> creates = server.findAll(postRequestedFor(urlEqualTo("/v1/snapshots")));
		assertThat(creates).extracting(LoggedRequest::getBodyAsString)
			.containsExactly("{\"image\":\"node:22\",\"architecture\":\"arm64\",\"ttl\":86400,\"tags\":{\"app\":\"web\"}}",
					"{\"image\":\"registry.example.com/org/app:1\"}");
		server.verify(postRequestedFor(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID + "/aliases"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"alias\":\"my-node@latest\"}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/snapshots",
				"POST /v1/snapshots/" + SNAPSHOT_ID + "/aliases", "POST /v1/snapshots");
	}

	@Test
	void getByIdAndByAliasEncodeTheAliasAsOneSegment() {
		server.stubFor(get(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID)).willReturn(json(200, snapshot(SNAPSHOT_ID))));
		server.stubFor(get(urlEqualTo("/v1/snapshots/@my-app%40v1")).willReturn(json(200, snapshot(SNAPSHOT_ID))));
		server.stubFor(get(urlEqualTo("/v1/snapshots/@sandbox%3A" + SANDBOX_ID)).willReturn(json(200, snapshot(OTHER_ID))));

		assertThat(this.snapshots.get(SNAPSHOT_ID.toUpperCase()).id()).isEqualTo(SNAPSHOT_ID);
		assertThat(this.snapshots.getByAlias("my-app@v1").id()).isEqualTo(SNAPSHOT_ID);
		StepVerifier.create(this.sdk.reactive().current().snapshots().getByAlias("sandbox:" + SANDBOX_ID))
			.assertNext((details) -> assertThat(details.id()).isEqualTo(OTHER_ID))
			.verifyComplete();
		assertThatIllegalArgumentException().isThrownBy(() -> this.snapshots.get("not-a-uuid"));
		assertThat(CurrentWire.requestLines(server)).containsExactly("GET /v1/snapshots/" + SNAPSHOT_ID,
				"GET /v1/snapshots/@my-app%40v1", "GET /v1/snapshots/@sandbox%3A" + SANDBOX_ID);
	}

	@Test
	void getByAliasNamesTheOperationInErrors() {
		server.stubFor(get(urlEqualTo("/v1/snapshots/@gone")).willReturn(json(404,
				"{\"code\":\"not_found\",\"message\":\"Snapshot alias not found\",\"errors\":[]}")));

		assertThatThrownBy(() -> this.snapshots.getByAlias("gone")).isInstanceOfSatisfying(HttpException.class, (ex) -> {
			assertThat(ex.status()).isEqualTo(404);
			assertThat(ex.operation()).isEqualTo("api.snapshots.getByAlias");
			assertThat(ex.getMessage()).contains("for alias 'gone'");
		});
	}

	@Test
	void listSendsTagsAndExcludeRetiredAndFollowsTheCursor() {
		server.stubFor(get(urlEqualTo("/v1/snapshots?limit=1&tags%5Bapp%5D=web&exclude_retired=true"))
			.willReturn(json(200, page(SNAPSHOT_ID, snapshot(SNAPSHOT_ID)))));
		server.stubFor(get(urlEqualTo("/v1/snapshots?limit=1&cursor=" + SNAPSHOT_ID + "&tags%5Bapp%5D=web&exclude_retired=true"))
			.willReturn(json(200, page(null, snapshot(OTHER_ID)))));
		server.stubFor(get(urlEqualTo("/v1/snapshots")).willReturn(json(200, page(null))));
		SnapshotFilter filter = SnapshotFilter.builder().limit(1).tag("app", "web").excludeRetired(true).build();

		assertThat(this.snapshots.list(filter)).extracting(SnapshotDetails::id).containsExactly(SNAPSHOT_ID, OTHER_ID);
		StepVerifier.create(this.sdk.reactive().current().snapshots().list(filter).flatMapMany(ReactivePage::all))
			.expectNextCount(2)
			.verifyComplete();
		assertThat(this.snapshots.list().data()).isEmpty();
		assertThat(CurrentWire.requestLines(server)).hasSize(5).endsWith("GET /v1/snapshots");
	}

	@Test
	void batchGetSendsTheIdsExploded() {
		server.stubFor(get(urlEqualTo("/v1/snapshots/batch?ids%5B%5D=" + SNAPSHOT_ID + "&ids%5B%5D=" + OTHER_ID))
			.willReturn(json(200, "[" + snapshot(OTHER_ID) + "]")));

		assertThat(this.snapshots.batchGet(List.of(SNAPSHOT_ID, OTHER_ID))).extracting(SnapshotDetails::id)
			.containsExactly(OTHER_ID);
	}

	@Test
	void retireSendsNoBodyAndReturnsTheRetiredSnapshot() {
		server.stubFor(post("/v1/snapshots/" + SNAPSHOT_ID + "/retire").willReturn(json(200,
				snapshot(SNAPSHOT_ID).replace("\"retired_at\":null", "\"retired_at\":\"2026-08-18T11:00:00Z\""))));

		SnapshotDetails retired = this.snapshots.retire(SNAPSHOT_ID);

		assertThat(retired.isRetired()).isTrue();
		assertThat(retired.retiredAt()).isEqualTo(Instant.parse("2026-08-18T11:00:00Z"));
		LoggedRequest request = server.findAll(postRequestedFor(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID + "/retire"))).get(0);
		assertThat(request.getBody()).isEmpty();
		assertThat(request.containsHeader("Content-Type")).isFalse();
	}

	@Test
	void aliasesAreListedAddedAndDeletedByName() {
		server.stubFor(get(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID + "/aliases")).willReturn(json(200,
				"[{\"snapshot_id\":\"" + SNAPSHOT_ID + "\",\"alias\":\"sandbox:" + SANDBOX_ID
						+ "\",\"created_at\":\"2026-08-18T10:00:00Z\"}]")));
		server.stubFor(post("/v1/snapshots/" + SNAPSHOT_ID + "/aliases").willReturn(aResponse().withStatus(204)));
		server.stubFor(delete(urlEqualTo("/v1/snapshot-aliases/my-app%40v1")).willReturn(aResponse().withStatus(204)));

		assertThat(this.snapshots.aliases(SNAPSHOT_ID)).containsExactly(
				new SnapshotAlias(SNAPSHOT_ID, "sandbox:" + SANDBOX_ID, Instant.parse("2026-08-18T10:00:00Z")));
		this.snapshots.alias(SNAPSHOT_ID, "my-app@v1");
		this.snapshots.deleteAlias("my-app@v1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.snapshots.deleteAlias("@my-app@v1"))
			.withMessageContaining("without a leading '@'");

		server.verify(postRequestedFor(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID + "/aliases"))
			.withRequestBody(equalToJson("{\"alias\":\"my-app@v1\"}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("GET /v1/snapshots/" + SNAPSHOT_ID + "/aliases",
				"POST /v1/snapshots/" + SNAPSHOT_ID + "/aliases", "DELETE /v1/snapshot-aliases/my-app%40v1");
	}

	@Test
	void credentialsAndAuthorize() {
		server.stubFor(post("/v1/container-registries/default/credentials").willReturn(json(201,
				"{\"username\":\"u\",\"password\":\"registry-secret-1\",\"registry_url\":\"registry.example.com/ns\","
						+ "\"expired_at\":null}")));
		server.stubFor(post("/v1/authorize").willReturn(aResponse().withStatus(204)));
		server.stubFor(post("/v1/authorize").withRequestBody(equalToJson("{\"project_id\":\"proj_denied\"}"))
			.willReturn(json(403, "{\"code\":\"forbidden\",\"message\":\"Not allowed\",\"errors\":[]}")));

		ContainerRegistryCredential credential = this.snapshots.issueRegistryCredential();
		this.sdk.current().authorize("proj_abc");

		assertThat(credential.registryHost()).isEqualTo("registry.example.com");
		server.verify(postRequestedFor(urlEqualTo("/v1/authorize")).withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"project_id\":\"proj_abc\"}")));
		assertThatThrownBy(() -> this.sdk.current().authorize("proj_denied"))
			.isInstanceOfSatisfying(HttpException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(403);
				assertThat(ex.operation()).isEqualTo("api.authorize");
			});
	}

}
