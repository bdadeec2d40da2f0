package ai.together.sandbox.autoconfigure.reliability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.ClientBuilder;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.HermeticEnvironment;
import ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code together.sandbox.stream-idle-timeout} reaches the client: a stream of an agent that
 * stops sending anything ends after it, with the connection closed, instead of waiting forever.
 */
class StreamIdleTimeoutTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class));

	/** Agent streams send one event, then nothing at all. */
	@RegisterExtension
	final FakeSandboxExtension fake = FakeSandboxExtension.create()
		.server((server) -> server.agentToken("idle-agent-token").agent(AgentResponses.stalledStreams()));

	@Test
	void defaultsToTheClientsDefault() {
		assertThat(new TogetherSandboxProperties().getStreamIdleTimeout())
			.isEqualTo(ClientBuilder.DEFAULT_STREAM_IDLE_TIMEOUT);
	}

	@Test
	void aStalledStreamEndsAfterTheConfiguredIdleTimeout() {
		this.contextRunner
			.withPropertyValues("together.sandbox.api-key=idle-key", "together.sandbox.base-url=" + this.fake.server().baseUrl(),
					"together.sandbox.stream-idle-timeout=300ms")
			.run((context) -> {
				try (Sandbox sandbox = context.getBean(TogetherSandbox.class).sandboxes().start(FakeSandboxServer.SANDBOX_ID)) {
					long started = System.nanoTime();
					List<Object> received = new CopyOnWriteArrayList<>();
					Throwable error = catchThrowable(() -> sandbox.reactive()
						.execs()
						.streamList()
						.doOnNext(received::add)
						.blockLast(Duration.ofSeconds(10)));
					assertThat(received).hasSize(1);
					assertThat(error).isInstanceOfSatisfying(HttpException.class, (http) -> {
						assertThat(http.status()).isZero();
						assertThat(http.getCause()).isInstanceOf(TimeoutException.class);
						assertThat(http.getMessage()).contains("no data received for 300ms");
					});
					assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300),
							Duration.ofSeconds(3));
				}
			});
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.fake.server().inFlight()).isZero());
	}

}
