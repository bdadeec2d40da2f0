package ai.together.sandbox.emulator.hardening;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many exec output streams open at once against the emulator on this machine, through the core
 * client: every exec prints a first line and then waits for input, so that all streams are
 * provably open together before any of them can end; then each is released and prints 50 more
 * lines. Every stream must deliver every line exactly once, in order, and end with exit code 0.
 * The build holds 1,000 streams (20 sandboxes × 50 execs, 10 to 30 s on 2 cores); a machine with
 * fewer resources can hold fewer with {@code -Dreliability.load.streams=200}.
 */
class ExecStreamLoadTest {

	/** The system property that sets how many streams to hold (default 1,000). */
	static final String STREAMS_PROPERTY = "reliability.load.streams";

	private static final int LINES = 50;

	/** Prints "start", waits for a line on stdin, then prints LINES lines: shell built-ins only. */
	private static final ExecRequest GATED = ExecRequest.builder("sh")
		.args("-c", "echo start; read go; i=1; while [ $i -le " + LINES + " ]; do echo line $i; i=$((i+1)); done")
		.interactive(true)
		.build();

	private static final String EXPECTED_OUTPUT = "start\n"
			+ IntStream.rangeClosed(1, LINES).mapToObj((i) -> "line " + i + "\n").collect(Collectors.joining());

	private SandboxEmulator emulator;

	private ReactiveTogetherSandbox sdk;

	private final List<ReactiveSandbox> sandboxes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.sandboxes.forEach(ReactiveSandbox::close);
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	@Test
	void holdsAThousandConcurrentExecOutputStreams() {
		// 50 execs per sandbox; a machine with fewer resources can lower the total.
		int streams = Integer.getInteger(STREAMS_PROPERTY, 1_000);
		int execsPerSandbox = Math.min(50, streams);
		int sandboxCount = Math.max(1, streams / execsPerSandbox);
		holdConcurrentStreams(sandboxCount, execsPerSandbox);
	}

	private void holdConcurrentStreams(int sandboxCount, int execsPerSandbox) {
		int streams = sandboxCount * execsPerSandbox;
		this.emulator = SandboxEmulator.start();
		// Every stream holds a connection, and all sandboxes of the emulator share one host.
		this.sdk = ReactiveTogetherSandbox.builder()
			.baseUrl(this.emulator.baseUrl())
			.apiKey(this.emulator.apiKey())
			.maxConnections(streams + 50)
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		long started = System.nanoTime();
		String snapshot = this.sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).block().snapshotId();
		this.sandboxes.addAll(Flux.range(0, sandboxCount)
			.flatMap((i) -> this.sdk.sandboxes()
				.create(CreateSandboxRequest.fromSnapshotId(snapshot))
				.flatMap((info) -> this.sdk.sandboxes().start(info.id())), 8)
			.collectList()
			.block(Duration.ofMinutes(2)));
		List<Exec> execs = Flux.fromIterable(this.sandboxes)
			.flatMap((sandbox) -> Flux.range(0, execsPerSandbox)
				.flatMap((i) -> sandbox.execs().create(GATED).map((item) -> new Exec(sandbox, item)), 4), 8)
			.collectList()
			.block(Duration.ofMinutes(5));
		assertThat(execs).hasSize(streams);
		double createdSeconds = (System.nanoTime() - started) / 1e9;

		Map<String, StringBuilder> outputs = new ConcurrentHashMap<>();
		Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
		Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();
		CountDownLatch allStarted = new CountDownLatch(streams);
		long streaming = System.nanoTime();
		Mono<Void> allStreams = Flux.fromIterable(execs)
			.flatMap((exec) -> exec.sandbox().execs().streamOutput(exec.item().id()).doOnNext((output) -> {
				StringBuilder text = outputs.computeIfAbsent(exec.item().id(), (id) -> new StringBuilder());
				boolean first = text.isEmpty();
				text.append(output.output());
				sequences.computeIfAbsent(exec.item().id(), (id) -> new ArrayList<>()).add(output.sequence());
				if (output.exitCode() != null) {
					exitCodes.put(exec.item().id(), output.exitCode());
				}
				if (first) {
					allStarted.countDown();
				}
			}).then(), streams)
			.then()
			.cache();
		allStreams.subscribe();
		// Every exec is blocked on its input: all streams are open at this point.
		assertThat(await(allStarted, Duration.ofMinutes(2))).as("every stream delivered its first line").isTrue();
		assertThat(exitCodes).as("no exec may end before it gets its input").isEmpty();
		double openSeconds = (System.nanoTime() - streaming) / 1e9;
		Flux.fromIterable(execs)
			.flatMap((exec) -> exec.sandbox().execs().sendStdin(exec.item().id(), "go\n"), 32)
			.blockLast(Duration.ofMinutes(2));
		allStreams.block(Duration.ofMinutes(3));
		double totalSeconds = (System.nanoTime() - started) / 1e9;

		assertThat(outputs).hasSize(streams);
		assertThat(outputs.values()).allSatisfy((text) -> assertThat(text.toString()).isEqualTo(EXPECTED_OUTPUT));
		assertThat(exitCodes).hasSize(streams).allSatisfy((id, code) -> assertThat(code).isZero());
		assertThat(sequences.values()).allSatisfy((list) -> assertThat(list).isSorted().doesNotHaveDuplicates());
		System.out.printf("exec stream load: %d concurrent streams (%d sandboxes x %d execs), %d lines each; "
				+ "created in %.1f s, all open after %.1f s more, done in %.1f s in all%n", streams, sandboxCount,
				execsPerSandbox, LINES + 1, createdSeconds, openSeconds, totalSeconds);
	}

	private static boolean await(CountDownLatch latch, Duration timeout) {
		try {
			return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** An exec and the sandbox it runs in. */
	private record Exec(ReactiveSandbox sandbox, ExecItem item) {
	}

}
