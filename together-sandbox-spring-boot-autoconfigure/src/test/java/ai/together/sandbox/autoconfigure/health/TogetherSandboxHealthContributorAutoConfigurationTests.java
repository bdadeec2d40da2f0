package ai.together.sandbox.autoconfigure.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.HermeticEnvironment;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.testing.SandboxJson;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TogetherSandboxHealthContributorAutoConfiguration} and
 * {@link TogetherSandboxHealthIndicator}.
 */
class TogetherSandboxHealthContributorAutoConfigurationTests {

	private static final String API_KEY = "sk-health-secret-1234";

	private static final String AGENT_TOKEN = "agent-token-secret-5678";

	@RegisterExtension
	static WireMockExtension server = WireMockExtension.newInstance()
		.options(options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class,
				TogetherSandboxHealthContributorAutoConfiguration.class))
		.withPropertyValues("together.sandbox.api-key=" + API_KEY, "together.sandbox.base-url=" + server.baseUrl(),
				"together.sandbox.health.timeout=2s");

	@Test
	void registersTheContributorUnderItsName() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TogetherSandboxHealthIndicator.class)
			.hasBean("togetherSandboxHealthContributor"));
	}

	@Test
	void canBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.together-sandbox.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("togetherSandboxHealthContributor")
				.hasBean("togetherSandbox"));
	}

	@Test
	void isUpWhenTheManagementApiAnswers() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		this.contextRunner.run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("baseUrl", server.baseUrl());
			server.verify(getRequestedFor(urlEqualTo("/api/v1/sandboxes")).withHeader("Authorization",
					equalTo("Bearer " + API_KEY)));
		});
	}

	@Test
	void checksWithTheApplicationsOwnClient() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(503)));
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(TogetherSandboxHealthIndicator.class);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			// The application's key, and no retries although its client retries a 503.
			server.verify(1, getRequestedFor(urlEqualTo("/api/v1/sandboxes")).withHeader("Authorization",
					equalTo("Bearer user-key")));
			assertThat(context.getBean(ReactiveTogetherSandbox.class).retryConfig().maxAttempts()).isEqualTo(3);
		});
	}

	@Test
	void isDownWithAHintWhenTheKeyIsRejected() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(401)));
		this.contextRunner.run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("statusCode", 401);
			assertThat((String) health.getDetails().get("hint")).contains("together.sandbox.api-key")
				.contains("TOGETHER_API_KEY");
			assertNoSecret(health);
		});
	}

	@Test
	void isDownWhenAccessIsForbidden() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(403)));
		this.contextRunner.run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("statusCode", 403).containsKey("hint");
		});
	}

	@Test
	void isOutOfServiceWhenTheServiceIsDegradedWithoutRetrying() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(503)));
		this.contextRunner.run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.getDetails()).containsEntry("statusCode", 503);
			// The application's client would retry a 503 three times; the check asks once.
			server.verify(1, getRequestedFor(urlEqualTo("/api/v1/sandboxes")));
		});
	}

	@Test
	void isOutOfServiceWhenRateLimited() {
		server.stubFor(get("/api/v1/sandboxes").willReturn(aResponse().withStatus(429)));
		this.contextRunner.run((context) -> assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE));
	}

	@Test
	void isDownWhenTheServiceCannotBeReached() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues("together.sandbox.base-url=http://127.0.0.1:" + closedPort)
			.run((context) -> {
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error").doesNotContainKey("statusCode");
			});
	}

	@Test
	void reportsConfiguredSandboxesWithoutWakingThem() {
		String agent = server.baseUrl() + "/agent/";
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		server.stubFor(get("/api/v1/sandboxes/run001")
			.willReturn(okJson(SandboxJson.sandbox("run001", "running", agent + "run001", AGENT_TOKEN))));
		server.stubFor(get("/api/v1/sandboxes/stop01")
			.willReturn(okJson(SandboxJson.sandbox("stop01", "stopped", agent + "stop01", AGENT_TOKEN))));
		server.stubFor(get("/api/v1/sandboxes/gone01").willReturn(aResponse().withStatus(404)));
		server.stubFor(get("/agent/run001/api/v1/ports").willReturn(okJson("{\"ports\":[]}")));
		this.contextRunner.withPropertyValues("together.sandbox.health.sandboxes=run001,stop01").run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> sandboxes = (Map<String, Map<String, Object>>) health.getDetails()
				.get("sandboxes");
			assertThat(sandboxes).containsOnlyKeys("run001", "stop01");
			assertThat(sandboxes.get("run001")).containsEntry("status", "running").containsEntry("agent", "reachable");
			assertThat(sandboxes.get("stop01")).containsEntry("status", "stopped").doesNotContainKey("agent");
			server.verify(getRequestedFor(urlEqualTo("/agent/run001/api/v1/ports")).withHeader("Authorization",
					equalTo("Bearer " + AGENT_TOKEN)));
			// Nothing but reads: no start, no wait, and no call to a stopped sandbox's agent.
			server.verify(0, anyRequestedFor(urlPathMatching("/agent/stop01/.*")));
			server.verify(0, anyRequestedFor(urlPathMatching("/api/v1/sandboxes/.*/(start|wait|stop)")));
			assertNoSecret(health);
		});
	}

	@Test
	void isOutOfServiceWhenAConfiguredSandboxIsMissingOrItsAgentDoesNotAnswer() {
		String agent = server.baseUrl() + "/agent/";
		server.stubFor(get("/api/v1/sandboxes").willReturn(okJson("[]")));
		server.stubFor(get("/api/v1/sandboxes/sick01")
			.willReturn(okJson(SandboxJson.sandbox("sick01", "running", agent + "sick01", AGENT_TOKEN))));
		server.stubFor(get("/agent/sick01/api/v1/ports").willReturn(aResponse().withStatus(502)));
		server.stubFor(get("/api/v1/sandboxes/gone01").willReturn(aResponse().withStatus(404)));
		this.contextRunner.withPropertyValues("together.sandbox.health.sandboxes=sick01,gone01").run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> sandboxes = (Map<String, Map<String, Object>>) health.getDetails()
				.get("sandboxes");
			assertThat(sandboxes.get("sick01")).containsEntry("agent", "unreachable")
				.containsEntry("agentStatusCode", 502);
			assertThat(sandboxes.get("gone01")).containsEntry("status", "not found").containsEntry("statusCode", 404);
			// No retries for the agent either.
			server.verify(1, getRequestedFor(urlEqualTo("/agent/sick01/api/v1/ports")));
			assertNoSecret(health);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean
		ReactiveTogetherSandbox userReactiveClient() {
			return ReactiveTogetherSandbox.builder().apiKey("user-key").baseUrl(server.baseUrl()).build();
		}

	}

	private static Health health(AssertableApplicationContext context) {
		Health health = context.getBean("togetherSandboxHealthContributor", HealthIndicator.class).health(true);
		assertThat(health).isNotNull();
		return health;
	}

	private static void assertNoSecret(Health health) {
		assertThat(health.toString()).doesNotContain(API_KEY).doesNotContain(AGENT_TOKEN);
	}

}
