package ai.together.sandbox.observation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code together.sandbox.client.requests} observation recorded by the transport.
 */
class ClientObservationTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	@Test
	void observesOneCallAcrossItsRetriesWithTheFinalStatus() {
		server.stubFor(get("/api/v1/sandboxes/abc123").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		server.stubFor(get("/api/v1/sandboxes/abc123").inScenario("flaky")
			.whenScenarioStateIs("up")
			.willReturn(okJson(SandboxJson.sandbox("abc123", "running", null, null))));
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper())
			.observationRegistry(this.registry)
			.build()) {
			sdk.sandboxes().get("abc123");
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("together.sandbox.client.requests", 1)
			.hasObservationWithNameEqualTo("together.sandbox.client.requests")
			.that()
			.hasContextualNameEqualTo("together.sandbox sandboxes.get")
			.hasLowCardinalityKeyValue("operation", "sandboxes.get")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasLowCardinalityKeyValue("status", "200")
			.hasLowCardinalityKeyValue("exception", "none")
			.hasHighCardinalityKeyValue("sandbox.id", "abc123")
			.hasBeenStopped()
			.satisfies((context) -> assertThat(((TogetherSandboxClientObservationContext) context).getAttempts())
				.isEqualTo(2));
	}

	@Test
	void observesAFailedCallWithItsErrorStatusAndException() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(401)));
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper())
			.observationRegistry(this.registry)
			.build()) {
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> sdk.sandboxes().list());
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("together.sandbox.client.requests")
			.that()
			.hasLowCardinalityKeyValue("operation", "sandboxes.list")
			.hasLowCardinalityKeyValue("outcome", "client_error")
			.hasLowCardinalityKeyValue("status", "401")
			.hasLowCardinalityKeyValue("exception", "HttpException")
			.hasHighCardinalityKeyValue("sandbox.id", "none")
			.hasError();
	}

	@Test
	void namesTheCauseOfAFailureWithoutResponse() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		try (TogetherSandbox sdk = TestClients.builder("http://127.0.0.1:" + closedPort, new RecordingSleeper())
			.observationRegistry(this.registry)
			.build()) {
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> sdk.sandboxes().get("abc123"));
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("together.sandbox.client.requests")
			.that()
			.hasLowCardinalityKeyValue("outcome", "io_error")
			.hasLowCardinalityKeyValue("status", "none")
			.doesNotHaveLowCardinalityKeyValue("exception", "HttpException");
	}

	@Test
	void recordsACancelledCall() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]").withFixedDelay(5_000)));
		try (ReactiveTogetherSandbox sdk = TestClients.reactiveBuilder(server.baseUrl(), new RecordingSleeper())
			.observationRegistry(this.registry)
			.build()) {
			StepVerifier.create(sdk.sandboxes().list()).thenAwait().thenCancel().verify();
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("together.sandbox.client.requests")
			.that()
			.hasLowCardinalityKeyValue("outcome", "cancelled")
			.hasBeenStopped();
	}

	@Test
	void usesACustomConvention() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		TogetherSandboxClientObservationConvention custom = new DefaultTogetherSandboxClientObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(TogetherSandboxClientObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "platform");
			}

		};
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper())
			.observationRegistry(this.registry)
			.observationConvention(custom)
			.build()) {
			sdk.sandboxes().list();
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("together.sandbox.client.requests")
			.that()
			.hasLowCardinalityKeyValue("team", "platform")
			.hasLowCardinalityKeyValue("operation", "sandboxes.list");
	}

	@Test
	void recordsNothingWithoutARegistry() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		try (TogetherSandbox sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build()) {
			assertThat(sdk.sandboxes().list()).isEmpty();
		}
		TestObservationRegistryAssert.assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void tagsAgentCallsWithTheirSandbox() {
		server.stubFor(get("/agent/abc123/api/v1/ports").willReturn(okJson("{\"ports\":[]}")));
		try (FakeSandboxExtension.Connection connected = this.fake
			.connect((builder) -> builder.observationRegistry(this.registry))) {
			assertThat(connected.sandbox().ports().list()).isEmpty();
		}
		// start and wait are observed first; the agent call is the third observation.
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("together.sandbox.client.requests", 3)
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("operation", "ports.list")
				.hasHighCardinalityKeyValue("sandbox.id", "abc123"));
	}

	@Test
	void observesFileTransfersAsOneCallEach() throws IOException {
		server.stubFor(get("/agent/abc123/api/v1/files/%2Fdata.bin")
			.willReturn(okJson("{\"path\":\"/data.bin\",\"content\":\"aGk=\",\"encoding\":\"base64\"}")));
		server.stubFor(post("/agent/abc123/api/v1/files/%2Fup.bin")
			.willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
				.withBody("{\"path\":\"/up.bin\",\"content\":\"aGk=\",\"encoding\":\"base64\"}")));
		try (FakeSandboxExtension.Connection connected = this.fake
			.connect((builder) -> builder.observationRegistry(this.registry))) {
			assertThat(connected.sandbox().files().readBytes("/data.bin")).isEqualTo("hi".getBytes());
			connected.sandbox().files().upload("/up.bin", new ByteArrayInputStream("hi".getBytes()));
		}
		// start and wait are observed first; then one observation per transfer.
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsWithNameEqualTo("together.sandbox.client.requests", 4)
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("operation", "files.read")
				.hasLowCardinalityKeyValue("status", "200")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasHighCardinalityKeyValue("sandbox.id", "abc123"))
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("operation", "files.upload")
				.hasLowCardinalityKeyValue("status", "201"));
	}

}
