package ai.together.sandbox.autoconfigure.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.HermeticEnvironment;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Closing the Spring context ends, within 2 seconds, every call and stream the auto-configured
 * client has in flight (each fails saying the client was closed) and the server sees every one of
 * their connections closed; with the embedded emulator, the exec processes are gone too.
 */
class ContextShutdownTests {

	private static final Duration WITHIN = Duration.ofSeconds(2);

	/**
	 * Agent streams send one event, then keep-alives forever; {@code slow001} is never answered;
	 * the list of sandboxes is empty.
	 */
	@RegisterExtension
	final FakeSandboxExtension fake = FakeSandboxExtension.create()
		.server((server) -> server.agentToken("shutdown-agent-token").agent(AgentResponses.endlessStreams()));

	@Test
	void closingTheContextEndsTheClientsCallsAndStreams() throws Exception {
		ConfigurableApplicationContext context = application("--together.sandbox.api-key=shutdown-key",
				"--together.sandbox.base-url=" + this.fake.server().baseUrl());
		TogetherSandbox sdk = context.getBean(TogetherSandbox.class);
		Sandbox sandbox = sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID);
		InFlight inFlight = new InFlight();
		inFlight.subscribe(sandbox.reactive().execs().streamOutput("exec-1"));
		inFlight.subscribe(sandbox.reactive().ports().streamList());
		StreamResponse<List<ExecItem>> list = sandbox.execs().streamList();
		inFlight.block(() -> list.stream().count());
		inFlight.block(() -> sdk.sandboxes().get("slow001"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fake.server().inFlight() == 4);

		long started = System.nanoTime();
		context.close();

		inFlight.assertAllFailedWithin(WITHIN, started);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(this.fake.server().inFlight()).isZero());
	}

	@Test
	void closingAContextWithTheEmbeddedEmulatorEndsStreamsAndKillsTheProcesses() throws Exception {
		ConfigurableApplicationContext context = application();
		TogetherSandbox sdk = context.getBean(TogetherSandbox.class);
		String snapshot = sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
		Sandbox sandbox = sdk.sandboxes().start(sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshot)).id());
		ExecItem exec = sandbox.execs().create(ExecRequest.of("sh", "-c", "echo started; sleep 60"));
		CountDownLatch started = new CountDownLatch(1);
		InFlight inFlight = new InFlight();
		inFlight.subscribe(sandbox.reactive().execs().streamOutput(exec.id()).doOnNext((output) -> started.countDown()));
		inFlight.block(() -> sandbox.execs().run(ExecRequest.of("sleep", "60")));
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		ProcessHandle process = ProcessHandle.of(exec.pid()).orElseThrow();

		long closing = System.nanoTime();
		context.close();

		inFlight.assertAllEndedWithin(WITHIN, closing);
		await().atMost(WITHIN).untilAsserted(() -> assertThat(process.isAlive()).isFalse());
		assertThat(context.isActive()).isFalse();
	}

	@Test
	void lifecycleBeansOfTheApplicationCanStillUseTheClientWhenTheyStop() {
		// What the README advises for cleanup at shutdown: a SmartLifecycle above phase 0.
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class, CleanupOnStop.class)
			.web(WebApplicationType.NONE)
			.initializers(new HermeticEnvironment())
			.run("--together.sandbox.api-key=shutdown-key", "--together.sandbox.base-url=" + this.fake.server().baseUrl());
		CleanupOnStop cleanup = context.getBean(CleanupOnStop.class);

		context.close();

		assertThat(cleanup.outcome).isEqualTo("listed 0 sandboxes");
	}

	private static ConfigurableApplicationContext application(String... arguments) {
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.initializers(new HermeticEnvironment())
			.run(arguments);
	}

	/** What a test has in flight: reactive subscriptions and blocking calls on other threads. */
	private static final class InFlight {

		private final List<Throwable> errors = new CopyOnWriteArrayList<>();

		private final List<reactor.core.Disposable> subscriptions = new ArrayList<>();

		private final List<CompletableFuture<Object>> blocking = new ArrayList<>();

		void subscribe(Publisher<?> publisher) {
			this.subscriptions.add(Flux.from(publisher).subscribe(null, this.errors::add));
		}

		void block(Supplier<Object> call) {
			this.blocking.add(CompletableFuture.supplyAsync(call));
		}

		/** Every call failed with the exception that says the client was closed. */
		void assertAllFailedWithin(Duration within, long startedNanos) throws Exception {
			await().atMost(within).untilAsserted(() -> assertThat(this.errors).hasSize(this.subscriptions.size()));
			assertThat(this.errors).allSatisfy((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessageEndingWith(": the client was closed"));
			for (CompletableFuture<Object> call : this.blocking) {
				Throwable failure = catchThrowable(() -> call.get(left(within, startedNanos), TimeUnit.NANOSECONDS));
				assertThat(failure).isInstanceOf(ExecutionException.class)
					.cause()
					.isInstanceOf(TogetherSandboxException.class)
					.hasMessageEndingWith(": the client was closed");
			}
		}

		/**
		 * Every call ended with an error: the client's own, or the emulator's when it went away
		 * first (the beans close in either order).
		 */
		void assertAllEndedWithin(Duration within, long startedNanos) throws Exception {
			await().atMost(within).untilAsserted(() -> assertThat(this.errors).hasSize(this.subscriptions.size()));
			assertThat(this.errors).allSatisfy((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class));
			for (CompletableFuture<Object> call : this.blocking) {
				Throwable failure = catchThrowable(() -> call.get(left(within, startedNanos), TimeUnit.NANOSECONDS));
				assertThat(failure).isInstanceOf(ExecutionException.class)
					.cause()
					.isInstanceOf(TogetherSandboxException.class);
			}
		}

		private static long left(Duration within, long startedNanos) {
			return Math.max(0, within.toNanos() - (System.nanoTime() - startedNanos));
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	/** Calls the client from its own stop(), in phase 1. */
	static class CleanupOnStop implements SmartLifecycle {

		private final TogetherSandbox sdk;

		private volatile boolean running;

		volatile String outcome = "not stopped";

		CleanupOnStop(TogetherSandbox sdk) {
			this.sdk = sdk;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			try {
				this.outcome = "listed " + this.sdk.sandboxes().list().size() + " sandboxes";
			}
			catch (RuntimeException ex) {
				this.outcome = ex.toString();
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return 1;
		}

	}

}
