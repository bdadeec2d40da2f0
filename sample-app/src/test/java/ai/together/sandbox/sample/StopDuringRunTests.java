package ai.together.sandbox.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sample.runs.RunStatus;
import ai.together.sandbox.sample.runs.RunView;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the application during a run shuts the run's sandbox down and leaves no process of
 * it alive. The emulator here is the test's own (not the embedded one, which would stop with the
 * application and kill everything anyway), so it still answers after the application is gone:
 * what it reports is what the application left behind.
 * <p>
 * The application gets its own Reactor Netty event loops: with Spring Boot's default (the global
 * ones) stopping the application disposes the loops that the emulator's server, in this same
 * JVM, also runs on.
 */
class StopDuringRunTests {

	private static SandboxEmulator emulator;

	private static TogetherSandbox observer;

	@BeforeAll
	static void startEmulator() {
		emulator = SandboxEmulator.start();
		observer = TogetherSandbox.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build();
	}

	@AfterAll
	static void stopEmulator() {
		observer.close();
		emulator.close();
	}

	@Test
	void stoppingTheApplicationDuringARunShutsItsSandboxDownAndKillsItsCommand() {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class,
				OwnEventLoops.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--together.sandbox.base-url=" + emulator.baseUrl(),
				"--together.sandbox.api-key=" + emulator.apiKey());
		String sandboxId;
		ProcessHandle command;
		try {
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			WebTestClient client = WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + port)
				.responseTimeout(Duration.ofSeconds(30))
				.build();
			RunView submitted = client.post()
				.uri("/runs?wait=false")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("command", "sleep", "args", List.of("30")))
				.exchange()
				.expectStatus()
				.isAccepted()
				.expectBody(RunView.class)
				.returnResult()
				.getResponseBody();
			assertThat(submitted).isNotNull();

			RunView running = await().atMost(Duration.ofSeconds(20))
				.until(() -> client.get()
					.uri("/runs/{id}", submitted.id())
					.exchange()
					.expectBody(RunView.class)
					.returnResult()
					.getResponseBody(), (run) -> run != null && run.status() == RunStatus.RUNNING);
			sandboxId = running.sandboxId();
			command = await().atMost(Duration.ofSeconds(10)).until(StopDuringRunTests::sleepProcesses,
					(found) -> found.size() == 1).get(0);
			assertThat(observer.sandboxes().get(sandboxId).status()).isEqualTo(SandboxStatus.RUNNING);
		}
		finally {
			app.close();
		}

		// Closing returned only once the sandbox was shut down.
		assertThat(observer.sandboxes().get(sandboxId).status()).isEqualTo(SandboxStatus.STOPPED);
		assertThat(observer.sandboxes().list()).extracting(SandboxInfo::status)
			.doesNotContain(SandboxStatus.RUNNING, SandboxStatus.STARTING);
		// The process is killed; the JVM may take a moment to reap it.
		await().atMost(Duration.ofSeconds(5)).until(() -> !command.isAlive());
		assertThat(sleepProcesses()).isEmpty();
	}

	/** Event loops of the application only, released when it stops. */
	@Configuration(proxyBeanMethods = false)
	static class OwnEventLoops {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

	}

	/** The {@code sleep 30} processes this JVM started, through the emulator. */
	private static List<ProcessHandle> sleepProcesses() {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info().command().map((path) -> path.endsWith("/sleep")).orElse(false))
			.filter((process) -> process.info().arguments().map((args) -> List.of(args).equals(List.of("30")))
				.orElse(false))
			.toList();
	}

}
