package ai.together.sandbox.current;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.Page;
import ai.together.sandbox.ReactivePage;
import ai.together.sandbox.ReactiveSandboxFleet;
import ai.together.sandbox.RunningSandbox;
import ai.together.sandbox.SandboxFleet;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.retry.RetryConfig;
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
import static ai.together.sandbox.current.CurrentWire.sandbox;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandboxes of the current generation against WireMock: exact paths under {@code /v1},
 * query strings, bodies (terminate's three states), success codes, the wait rule of create,
 * lifecycle failures, operation names and pages.
 */
class SandboxFleetWireTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	RecordingSleeper sleeper = new RecordingSleeper();

	TogetherSandbox sdk;

	SandboxFleet sandboxes;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), this.sleeper).build();
		this.sandboxes = this.sdk.current().sandboxes();
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	String agentUrl() {
		return server.baseUrl() + "/agent";
	}

	@Test
	void createSendsTheSpecAndConnectsWithoutWaitingWhenAlreadyRunning() {
		server.stubFor(post("/v1/sandboxes").willReturn(json(201, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()))));

		try (RunningSandbox sandbox = this.sandboxes.create(SandboxSpec.fromSnapshotAlias("my-app@v1")
			.ttl(Duration.ofHours(1))
			.tag("env", "dev")
			.snapshotOnTermination(TerminationSnapshot.builder().alias("a@v1").tag("k", "v").build())
			.build())) {
			assertThat(sandbox.id()).isEqualTo(SANDBOX_ID);
			assertThat(sandbox.details().status()).isEqualTo(LifecycleStatus.RUNNING);
			assertThat(sandbox.details().agent().url()).isEqualTo(agentUrl());
		}

		server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
			.withHeader("Authorization", equalTo("Bearer " + TestClients.API_KEY))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("{\"snapshot_alias\":\"my-app@v1\",\"cpu\":1.0,\"memory_bytes\":2147483648,"
					+ "\"ttl\":3600,\"tags\":{\"env\":\"dev\"},"
					+ "\"termination_policy\":{\"snapshot\":{\"aliases\":[\"a@v1\"],\"tags\":{\"k\":\"v\"}}}}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/sandboxes");
	}

	@Test
	void createWaitsWhileStartingThenConnects() {
		server.stubFor(post("/v1/sandboxes")
			.willReturn(json(201, sandbox(SANDBOX_ID, "starting", "cold_start_requested", agentUrl()))));
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/wait")
			.willReturn(json(200, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()))));

		StepVerifier.create(this.sdk.reactive()
			.current()
			.sandboxes()
			.create(SandboxSpec.fromSnapshotId(SNAPSHOT_ID.toUpperCase()).cpu(2).memoryBytes(4_000_000_000L).build()))
			.assertNext((sandbox) -> {
				assertThat(sandbox.details().statusReason()).isEqualTo(StatusReason.COLD_STARTED);
				sandbox.close();
			})
			.verifyComplete();

		server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes")).withRequestBody(equalToJson(
				"{\"snapshot_id\":\"" + SNAPSHOT_ID + "\",\"cpu\":2.0,\"memory_bytes\":4000000000}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/sandboxes",
				"POST /v1/sandboxes/" + SANDBOX_ID + "/wait");
		LoggedRequest wait = server.findAll(postRequestedFor(urlEqualTo("/v1/sandboxes/" + SANDBOX_ID + "/wait"))).get(0);
		assertThat(wait.getBody()).isEmpty();
		assertThat(wait.containsHeader("Content-Type")).isFalse();
	}

	@Test
	void createFailsWithTheStatusReasonWhenTheSandboxDoesNotRun() {
		server.stubFor(post("/v1/sandboxes").willReturn(json(201, sandbox(SANDBOX_ID, "starting", "cold_start_requested", ""))));
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/wait")
			.willReturn(json(200, sandbox(SANDBOX_ID, "failed_to_start", "out_of_capacity", ""))));

		assertThatThrownBy(() -> this.sandboxes.create(SandboxSpec.fromSnapshotAlias("my-app@v1").build()))
			.isInstanceOfSatisfying(SandboxLifecycleException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("Sandbox '" + SANDBOX_ID
						+ "' failed to start (status_reason: out_of_capacity). There is no capacity");
			});
	}

	@Test
	void createFailsWhenARunningSandboxHasNoAgentDetails() {
		String body = sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()).replace("\"" + CurrentWire.AGENT_TOKEN + "\"", "null");
		server.stubFor(post("/v1/sandboxes").willReturn(json(201, body)));

		assertThatThrownBy(() -> this.sandboxes.create(SandboxSpec.fromSnapshotAlias("my-app@v1").build()))
			.isInstanceOf(SandboxLifecycleException.class)
			.hasMessage("Sandbox '" + SANDBOX_ID + "' has no agent connection details");
	}

	@Test
	void createIsRetriedAsUpstreamUnlessExcluded() {
		server.stubFor(post("/v1/sandboxes").willReturn(aResponse().withStatus(503)));
		List<String> operations = new CopyOnWriteArrayList<>();
		try (TogetherSandbox retrying = TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.builder().onRetry((context) -> operations.add(context.operation())).build())
			.build()) {
			assertThatThrownBy(() -> retrying.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("a").build()))
				.isInstanceOfSatisfying(HttpException.class, (ex) -> {
					assertThat(ex.status()).isEqualTo(503);
					assertThat(ex.operation()).isEqualTo("api.createSandbox");
				});
		}
		assertThat(operations).containsExactly("api.createSandbox", "api.createSandbox");
		assertThat(this.sleeper.sleeps()).hasSize(2);
		server.resetRequests();

		try (TogetherSandbox once = TestClients.builder(server.baseUrl(), this.sleeper)
			.retry(RetryConfig.builder().excludedOperations(List.of(ReactiveSandboxFleet.CREATE_OPERATION)).build())
			.build()) {
			assertThatThrownBy(() -> once.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("a").build()))
				.isInstanceOf(HttpException.class);
		}
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/sandboxes");
	}

	@Test
	void getParsesEveryKeyAndKeepsUnknownValues() {
		String body = sandbox(SANDBOX_ID, "hibernating", "napping", agentUrl());
		server.stubFor(get("/v1/sandboxes/" + SANDBOX_ID).willReturn(json(200, body)));

		SandboxDetails details = this.sandboxes.get(SANDBOX_ID.toUpperCase());

		assertThat(details.status().value()).isEqualTo("hibernating");
		assertThat(details.status().isKnown()).isFalse();
		assertThat(details.statusReason().value()).isEqualTo("napping");
		assertThat(details.statusReason().isKnown()).isFalse();
		assertThat(details.organizationId()).isNull();
		assertThat(details.projectId()).isEqualTo("proj_1");
		assertThat(details.snapshotId()).isEqualTo(SNAPSHOT_ID);
		assertThat(details.cpu()).isEqualTo(1.0);
		assertThat(details.memoryBytes()).isEqualTo(2147483648L);
		assertThat(details.agent()).isEqualTo(new AgentDetails("1.9.0", null, null));
		assertThat(details.ttlSeconds()).isEqualTo(3600L);
		assertThat(details.tags()).isEqualTo(Map.of("env", "dev"));
		assertThat(details.terminationPolicy())
			.isEqualTo(TerminationPolicy.snapshot(new TerminationSnapshot(List.of("a@v1"), null, null)));
		assertThat(details.isEphemeral()).isFalse();
		assertThat(details.createdAt()).isEqualTo(Instant.parse("2026-08-18T10:00:00Z"));
		assertThat(details.updatedAt()).isEqualTo(Instant.parse("2026-08-18T10:01:00Z"));
		assertThat(details.terminatedAt()).isNull();
		assertThat(details.terminationSnapshotAlias()).isEqualTo("sandbox:" + SANDBOX_ID);
		assertThat(CurrentWire.requestLines(server)).containsExactly("GET /v1/sandboxes/" + SANDBOX_ID);
	}

	@Test
	void getNamesTheOperationAndTheSandboxInErrors() {
		server.stubFor(get("/v1/sandboxes/" + SANDBOX_ID).willReturn(json(404,
				"{\"code\":\"not_found\",\"message\":\"Sandbox not found\",\"errors\":[]}")));

		assertThatThrownBy(() -> this.sandboxes.get(SANDBOX_ID)).isInstanceOfSatisfying(HttpException.class, (ex) -> {
			assertThat(ex.status()).isEqualTo(404);
			assertThat(ex.operation()).isEqualTo("api.getSandbox");
			assertThat(ex.getMessage()).contains("for sandbox '" + SANDBOX_ID + "'").contains("Sandbox not found");
		});
	}

	@Test
	void idsMustBeUuidsAndNothingIsSentOtherwise() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.sandboxes.get("abc123"))
			.withMessage("sandboxId must be a UUID, was 'abc123'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.sandboxes.terminate("abc/123"));
		assertThat(CurrentWire.requestLines(server)).isEmpty();
	}

	@Test
	void listSendsEveryFilterAndWalksThePagesLazily() {
		String filters = "statuses%5B%5D=running&statuses%5B%5D=starting&snapshot_id=" + SNAPSHOT_ID
				+ "&tags%5Benv%5D=prod&tags%5Bteam%5D=a%20b";
		server.stubFor(get(urlEqualTo("/v1/sandboxes?limit=1&" + filters))
			.willReturn(json(200, page(SANDBOX_ID, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl())))));
		server.stubFor(get(urlEqualTo("/v1/sandboxes?limit=1&cursor=" + SANDBOX_ID + "&" + filters))
			.willReturn(json(200, page(null, sandbox(OTHER_ID, "starting", "cold_start_requested", "")))));
		SandboxFilter filter = SandboxFilter.builder()
			.limit(1)
			.statuses(LifecycleStatus.RUNNING, LifecycleStatus.STARTING)
			.snapshotId(SNAPSHOT_ID)
			.tag("env", "prod")
			.tag("team", "a b")
			.build();

		Page<SandboxDetails> first = this.sandboxes.list(filter);

		assertThat(first.data()).extracting(SandboxDetails::id).containsExactly(SANDBOX_ID);
		assertThat(first.hasNextPage()).isTrue();
		assertThat(first.nextCursor()).isEqualTo(SANDBOX_ID);
		assertThat(first.iterator().next().id()).isEqualTo(SANDBOX_ID);
		// Taking the first item fetched nothing more.
		assertThat(CurrentWire.requestLines(server)).hasSize(1);
		List<String> all = new ArrayList<>();
		first.forEach((each) -> all.add(each.id()));
		assertThat(all).containsExactly(SANDBOX_ID, OTHER_ID);
		assertThat(first.stream().map(SandboxDetails::id)).containsExactly(SANDBOX_ID, OTHER_ID);
		Page<SandboxDetails> second = first.nextPage();
		assertThat(second.hasNextPage()).isFalse();
		assertThat(second.nextCursor()).isNull();
		assertThatIllegalStateException().isThrownBy(second::nextPage).withMessageStartingWith("No next page");
		assertThat(CurrentWire.requestLines(server)).containsExactly("GET /v1/sandboxes?limit=1&" + filters,
				// The first page is held; each walk (forEach, stream, nextPage) fetches the second.
				"GET /v1/sandboxes?limit=1&cursor=" + SANDBOX_ID + "&" + filters,
				"GET /v1/sandboxes?limit=1&cursor=" + SANDBOX_ID + "&" + filters,
				"GET /v1/sandboxes?limit=1&cursor=" + SANDBOX_ID + "&" + filters);
	}

	@Test
	void listReactiveWalksAllPagesAndSkipsEmptyOnes() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes")).willReturn(json(200, page("c1"))));
		server.stubFor(get(urlEqualTo("/v1/sandboxes?cursor=c1"))
			.willReturn(json(200, page(null, sandbox(OTHER_ID, "terminated", "autoterminated", "")))));

		StepVerifier.create(this.sdk.reactive().current().sandboxes().list().flatMapMany(ReactivePage::all))
			.assertNext((details) -> assertThat(details.statusReason()).isEqualTo(StatusReason.AUTOTERMINATED))
			.verifyComplete();
		assertThat(this.sandboxes.list()).extracting(SandboxDetails::id).containsExactly(OTHER_ID);
	}

	@Test
	void listReadsAMissingNextCursorAsTheLastPage() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes")).willReturn(json(200, "{\"data\":[]}")));

		Page<SandboxDetails> page = this.sandboxes.list();

		assertThat(page.hasNextPage()).isFalse();
		assertThat(page).isEmpty();
	}

	@Test
	void batchGetSendsTheIdsExplodedInOrder() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/batch?ids%5B%5D=" + OTHER_ID + "&ids%5B%5D=" + SANDBOX_ID))
			.willReturn(json(200, "[" + sandbox(OTHER_ID, "running", "restored", agentUrl()) + "]")));

		assertThat(this.sandboxes.batchGet(List.of(OTHER_ID, SANDBOX_ID.toUpperCase()))).extracting(SandboxDetails::id)
			.containsExactly(OTHER_ID);
		assertThatIllegalArgumentException().isThrownBy(() -> this.sandboxes.batchGet(List.of(OTHER_ID, OTHER_ID)))
			.withMessageContaining("must not repeat");
		assertThatIllegalArgumentException().isThrownBy(() -> this.sandboxes.batchGet(List.of()));
		List<String> tooMany = new ArrayList<>();
		for (int i = 0; i < 101; i++) {
			tooMany.add(String.format("00000000-0000-4000-8000-%012d", i));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.sandboxes.batchGet(tooMany))
			.withMessageContaining("1 to 100");
		assertThat(CurrentWire.requestLines(server)).hasSize(1);
	}

	@Test
	void terminateSendsTheThreeStatesOfSnapshotThenWaits() {
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/terminate")
			.willReturn(json(200, sandbox(SANDBOX_ID, "terminating", "termination_requested", ""))));
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/wait")
			.willReturn(json(200, sandbox(SANDBOX_ID, "terminated", "termination_requested", ""))));

		assertThat(this.sandboxes.terminate(SANDBOX_ID).status()).isEqualTo(LifecycleStatus.TERMINATED);
		this.sandboxes.terminate(SANDBOX_ID, Termination.withoutSnapshot());
		StepVerifier.create(this.sdk.reactive()
			.current()
			.sandboxes()
			.terminate(SANDBOX_ID, Termination.withSnapshot(
					TerminationSnapshot.builder().alias("x@v2").ttl(Duration.ofMinutes(1)).build())))
			.expectNextCount(1)
			.verifyComplete();
		this.sandboxes.terminate(SANDBOX_ID, Termination.withSnapshot(TerminationSnapshot.defaults()));

		List<LoggedRequest> terminates = server.findAll(postRequestedFor(urlEqualTo("/v1/sandboxes/" + SANDBOX_ID + "/terminate")));
		assertThat(terminates).extracting(LoggedRequest::getBodyAsString)
			.containsExactly("{}", "{\"snapshot\":null}", "{\"snapshot\":{\"aliases\":[\"x@v2\"],\"ttl\":60}}",
					"{\"snapshot\":{}}");
		assertThat(terminates).allSatisfy((request) -> assertThat(request.getHeader("Content-Type")).isEqualTo("application/json"));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/sandboxes/" + SANDBOX_ID + "/terminate",
				"POST /v1/sandboxes/" + SANDBOX_ID + "/wait", "POST /v1/sandboxes/" + SANDBOX_ID + "/terminate",
				"POST /v1/sandboxes/" + SANDBOX_ID + "/wait", "POST /v1/sandboxes/" + SANDBOX_ID + "/terminate",
				"POST /v1/sandboxes/" + SANDBOX_ID + "/wait", "POST /v1/sandboxes/" + SANDBOX_ID + "/terminate",
				"POST /v1/sandboxes/" + SANDBOX_ID + "/wait");
	}

	@Test
	void terminateFailsWhenTheSandboxStillRuns() {
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/terminate")
			.willReturn(json(200, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()))));
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/wait")
			.willReturn(json(200, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()))));

		assertThatThrownBy(() -> this.sandboxes.terminate(SANDBOX_ID))
			.isInstanceOfSatisfying(SandboxLifecycleException.class, (ex) -> assertThat(ex.getMessage())
				.isEqualTo("Sandbox '" + SANDBOX_ID + "' is still running: the terminate request did not take effect."));
	}

	@Test
	void waitForAndConnectUseTheSandboxPaths() {
		server.stubFor(post("/v1/sandboxes/" + SANDBOX_ID + "/wait")
			.willReturn(json(200, sandbox(SANDBOX_ID, "running", "cold_started", agentUrl()))));
		server.stubFor(get("/v1/sandboxes/" + SANDBOX_ID)
			.willReturn(json(200, sandbox(SANDBOX_ID, "terminated", "crashed", ""))));

		assertThat(this.sandboxes.waitFor(SANDBOX_ID).status()).isEqualTo(LifecycleStatus.RUNNING);
		assertThatThrownBy(() -> this.sandboxes.connect(SANDBOX_ID)).isInstanceOf(SandboxLifecycleException.class)
			.hasMessageContaining("is terminated (status_reason: crashed)");
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /v1/sandboxes/" + SANDBOX_ID + "/wait",
				"GET /v1/sandboxes/" + SANDBOX_ID);
	}

}
