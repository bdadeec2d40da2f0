package ai.together.sandbox.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Target 5, emulator: through the SDK against an embedded emulator on 127.0.0.1, the latency of
 * exec create → exit observed for {@code true} ({@code execs().run}: create, then the output
 * stream until the exit event), of sandbox start → running ({@code sandboxes().start}: start,
 * wait, connect), and many sandboxes running several execs each at once.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class EmulatorScenario {

	/**
	 * What to run.
	 *
	 * @param execRuns measured {@code true} execs (after a tenth as many warm-up runs)
	 * @param startRuns measured sandbox starts
	 * @param sandboxes sandboxes of the at-once part
	 * @param execsPerSandbox execs per sandbox of the at-once part
	 */
	public record Settings(int execRuns, int startRuns, int sandboxes, int execsPerSandbox) {
	}

	/**
	 * The measured outcome, milliseconds.
	 *
	 * @param execMedian median exec create → exit
	 * @param execP99 99th percentile exec create → exit
	 * @param startMedian median start → running
	 * @param burstErrors failed execs of the at-once part
	 * @param burstWallMillis wall time of the at-once part
	 * @param execRoundMedians the median exec create → exit of each of five consecutive rounds of
	 * the measured runs
	 */
	public record Result(double execMedian, double execP99, double startMedian, long burstErrors, double burstWallMillis,
			Figure execRoundMedians) {
	}

	/** The measured exec runs are split into this many consecutive rounds for the spread. */
	private static final int ROUNDS = 5;

	private EmulatorScenario() {
	}

	/**
	 * Runs the scenario.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the outcome
	 */
	public static Result run(Settings settings, Report.Section section) {
		long emulatorStarted = System.nanoTime();
		try (SandboxEmulator emulator = SandboxEmulator.start(EmulatorOptions.builder()
			.port(0)
			.bindAddress("127.0.0.1")
			.apiKey(null)
			.dataDirectory(null)
			.build())) {
			section.row("emulator start", Stats.ms(System.nanoTime() - emulatorStarted));
			TogetherSandbox sdk = TogetherSandbox.builder().baseUrl(emulator.baseUrl()).apiKey(emulator.apiKey()).build();
			try {
				return measure(settings, section, sdk);
			}
			finally {
				sdk.close();
			}
		}
	}

	private static Result measure(Settings settings, Report.Section section, TogetherSandbox sdk) {
		String snapshot = sdk.snapshots().create(ImageSnapshotParams.of("ubuntu:24.04")).snapshotId();
		CreateSandboxRequest request = CreateSandboxRequest.fromSnapshotId(snapshot);

		List<Long> starts = new ArrayList<>();
		List<Sandbox> started = new ArrayList<>();
		for (int i = 0; i < settings.startRuns() + 1; i++) {
			String id = sdk.sandboxes().create(request).id();
			long t0 = System.nanoTime();
			started.add(sdk.sandboxes().start(id));
			if (i >= 1) {
				starts.add(System.nanoTime() - t0);
			}
		}
		Sandbox sandbox = started.get(0);

		List<Long> execs = new ArrayList<>();
		int warmup = Math.max(1, settings.execRuns() / 10);
		for (int i = 0; i < warmup + settings.execRuns(); i++) {
			long t0 = System.nanoTime();
			ExecResult result = sandbox.execs().run(ExecRequest.of("true"));
			long elapsed = System.nanoTime() - t0;
			if (result.exitCode() != 0) {
				throw new IllegalStateException("true exited with " + result.exitCode());
			}
			if (i >= warmup) {
				execs.add(elapsed);
			}
		}
		started.forEach(Sandbox::close);

		int total = settings.sandboxes() * settings.execsPerSandbox();
		List<ReactiveSandbox> burst = Flux.range(0, settings.sandboxes())
			.flatMapSequential((i) -> sdk.reactive().sandboxes().create(request)
				.flatMap((info) -> sdk.reactive().sandboxes().start(info.id())), 10)
			.collectList()
			.block(Duration.ofMinutes(5));
		LongAdder errors = new LongAdder();
		AtomicReference<@Nullable Throwable> firstError = new AtomicReference<>();
		List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
		long burstStarted = System.nanoTime();
		Flux.range(0, total)
			.flatMap((i) -> {
				ReactiveSandbox target = burst.get(i / settings.execsPerSandbox());
				String marker = "exec-" + i;
				return Mono.defer(() -> {
					long t0 = System.nanoTime();
					return target.execs()
						.run(ExecRequest.of("echo", marker), Duration.ofMinutes(2))
						.doOnNext((result) -> {
							latencies.add(System.nanoTime() - t0);
							if (result.exitCode() != 0 || !result.stdout().equals(marker + "\n")) {
								throw new IllegalStateException("exec " + marker + " printed " + result.stdout()
										+ " and exited with " + result.exitCode());
							}
						});
				}).onErrorResume((error) -> {
					errors.increment();
					firstError.compareAndSet(null, error);
					return Mono.empty();
				});
			}, total)
			.then()
			.block(Duration.ofMinutes(5));
		long burstWall = System.nanoTime() - burstStarted;
		burst.forEach(ReactiveSandbox::close);

		double execMedian = Stats.percentile(execs, 50) / 1e6;
		double execP99 = Stats.percentile(execs, 99) / 1e6;
		double startMedian = Stats.percentile(starts, 50) / 1e6;
		section.row("exec create → exit (`true`, execs().run)", String.format("median %.1f ms, p99 %.1f ms, max %.1f ms (%d runs after %d warm-up)",
				execMedian, execP99, Stats.percentile(execs, 100) / 1e6, execs.size(), warmup));
		section.row("sandbox start → running (sandboxes().start)", String.format("median %.1f ms, max %.1f ms (%d runs)",
				startMedian, Stats.percentile(starts, 100) / 1e6, starts.size()));
		section.row(settings.sandboxes() + " sandboxes × " + settings.execsPerSandbox() + " execs (`echo`) at once",
				String.format("wall %.0f ms, %.0f execs/s, per exec median %.0f ms, p99 %.0f ms, errors %d",
						burstWall / 1e6, total / (burstWall / 1e9),
						latencies.isEmpty() ? Double.NaN : Stats.percentile(latencies, 50) / 1e6,
						latencies.isEmpty() ? Double.NaN : Stats.percentile(latencies, 99) / 1e6, errors.sum()));
		if (firstError.get() != null) {
			section.row("first error of the at-once part", String.valueOf(firstError.get()));
		}
		List<Double> roundMedians = new ArrayList<>();
		int perRound = Math.max(1, execs.size() / ROUNDS);
		for (int from = 0; from + perRound <= execs.size(); from += perRound) {
			roundMedians.add(Stats.percentile(execs.subList(from, from + perRound), 50) / 1e6);
		}
		Figure rounds = Figure.of(roundMedians);
		section.row("exec create → exit, median per round", rounds.format("%.1f ms"));
		return new Result(execMedian, execP99, startMedian, errors.sum(), burstWall / 1e6, rounds);
	}

}
