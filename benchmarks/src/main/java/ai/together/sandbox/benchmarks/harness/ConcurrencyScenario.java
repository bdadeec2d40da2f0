package ai.together.sandbox.benchmarks.harness;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.benchmarks.stub.AgentStub.AgentAddressing;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.files.FileInfo;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Target 2, concurrency: {@code files.stat} calls spread round-robin over many sandboxes, a fixed
 * number in flight, through the reactive SDK and through a bare {@code WebClient} on a pool with
 * the SDK's settings, on the same stub, rounds alternating. Reports throughput, errors, the
 * connections the stub accepted and the most open at once, and the used heap after a full
 * collection before and after the rounds.
 * <p>
 * Both clients are warmed up before the first measured round and keep their connection pools
 * for the whole run. The baseline reaches the same sandboxes on agent ports of its own (same stub,
 * same handler, same event loop), so that the stub counts each client's connections apart.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ConcurrencyScenario {

	/**
	 * What to run.
	 *
	 * @param sandboxes how many sandboxes (distinct agent base URLs)
	 * @param calls calls per measured round
	 * @param inFlight calls in flight at once
	 * @param warmupCalls calls of the warm-up before the first round of each client
	 * @param rounds measured rounds per client
	 * @param addressing one port per sandbox, or path prefixes on one port
	 */
	public record Settings(int sandboxes, int calls, int inFlight, int warmupCalls, int rounds,
			AgentAddressing addressing) {
	}

	/**
	 * The measured outcome.
	 *
	 * @param sdkThroughput median calls per second of the SDK
	 * @param rawThroughput median calls per second of the baseline
	 * @param sdkErrors failed SDK calls, warm-up included
	 * @param rawErrors failed baseline calls, warm-ups included
	 * @param sdkWarmupConnections connections the stub accepted from the SDK during its warm-up
	 * @param sdkRoundConnections connections the stub accepted from the SDK during the measured rounds
	 * @param sdkMaxOpen most SDK connections open at once during the measured rounds
	 * @param rawMaxOpen most baseline connections open at once during the measured rounds
	 * @param heapBefore used heap after a full collection before the measured rounds
	 * @param heapAfter used heap after a full collection after them
	 * @param ratio SDK / baseline throughput of each round
	 */
	public record Result(double sdkThroughput, double rawThroughput, long sdkErrors, long rawErrors,
			long sdkWarmupConnections, long sdkRoundConnections, int sdkMaxOpen, int rawMaxOpen, long heapBefore,
			long heapAfter, Figure ratio) {
	}

	private static final int SDK = 0;

	private static final int RAW = 1;

	/** Turns per round: each client runs a round's calls in this many chunks, alternating. */
	private static final int CHUNKS = 4;

	private ConcurrencyScenario() {
	}

	/**
	 * Runs the scenario.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the outcome
	 */
	public static Result run(Settings settings, Report.Section section) {
		try (AgentStub stub = AgentStub.start(settings.sandboxes(), settings.addressing(), 1, 2)) {
			return RawClients.sideBySide(stub, "raw-baseline", (sdk, raw) -> measure(settings, section, stub, sdk, raw));
		}
	}

	private static Result measure(Settings settings, Report.Section section, AgentStub stub,
			ReactiveTogetherSandbox sdk, WebClient raw) {
		int n = settings.sandboxes();
		List<ReactiveSandbox> sandboxes = Flux.range(0, n)
			.flatMapSequential((i) -> sdk.sandboxes().start(AgentStub.sandboxId(i)), 16)
			.collectList()
			.block(Duration.ofMinutes(2));
		// The baseline is client 1: the same sandboxes on ports of its own, so that each client's
		// connections are counted apart while both keep their pools for the whole run.
		URI[] uris = new URI[n];
		for (int i = 0; i < n; i++) {
			uris[i] = URI.create(stub.agentUrl(RAW, i) + "/api/v1/file_stat/" + RawClients.encodedStatPath());
		}
		IntFunction<Mono<FileInfo>> sdkCall = (i) -> sandboxes.get(i % n).files().stat(AgentStub.STAT_PATH);
		IntFunction<Mono<FileInfo>> rawCall = (i) -> RawClients.stat(raw, uris[i % n]);

		// Warm both clients up first (JIT, connections), so that no measured round pays for it; in
		// turns, as the JIT of this 2-core machine takes tens of thousands of calls to settle.
		long sdkErrors = 0;
		long rawErrors = 0;
		int warmupChunk = Math.max(1, settings.warmupCalls() / CHUNKS);
		for (int c = 0; c < CHUNKS; c++) {
			sdkErrors += round(sdkCall, warmupChunk, settings.inFlight()).errors;
			rawErrors += round(rawCall, warmupChunk, settings.inFlight()).errors;
		}
		long sdkWarmupConnections = stub.acceptedConnections(SDK);
		long rawWarmupConnections = stub.acceptedConnections(RAW);

		List<Double> sdkRates = new ArrayList<>();
		List<Double> rawRates = new ArrayList<>();
		List<Long> heapAfterRounds = new ArrayList<>();
		List<Double> ratios = new ArrayList<>();
		stub.resetMaxOpenConnections();
		long heapBefore = HeapMeter.usedAfterGc();
		for (int r = 0; r < settings.rounds(); r++) {
			// Each round in chunks, the clients taking turns A B, B A, …: a client's calls are
			// spread over the whole round, so that a burst of machine load or the JIT still
			// compiling falls on both alike, and neither always runs first.
			Round rawRound = Round.NONE;
			Round sdkRound = Round.NONE;
			int chunk = settings.calls() / CHUNKS;
			for (int c = 0; c < CHUNKS; c++) {
				if ((r + c) % 2 == 0) {
					rawRound = rawRound.plus(round(rawCall, chunk, settings.inFlight()));
					sdkRound = sdkRound.plus(round(sdkCall, chunk, settings.inFlight()));
				}
				else {
					sdkRound = sdkRound.plus(round(sdkCall, chunk, settings.inFlight()));
					rawRound = rawRound.plus(round(rawCall, chunk, settings.inFlight()));
				}
			}
			rawErrors += rawRound.errors;
			rawRates.add(rawRound.throughput());
			ratios.add(sdkRound.throughput() / rawRound.throughput());
			sdkErrors += sdkRound.errors;
			sdkRates.add(sdkRound.throughput());
			heapAfterRounds.add(HeapMeter.usedAfterGc());
			if (sdkRound.firstError != null) {
				section.row("first SDK error", String.valueOf(sdkRound.firstError));
			}
		}
		long sdkRoundConnections = stub.acceptedConnections(SDK) - sdkWarmupConnections;
		long rawRoundConnections = stub.acceptedConnections(RAW) - rawWarmupConnections;
		int sdkMaxOpen = stub.maxOpenConnections(SDK);
		int rawMaxOpen = stub.maxOpenConnections(RAW);
		long heapAfter = heapAfterRounds.get(heapAfterRounds.size() - 1);
		double sdkRate = Stats.median(sdkRates);
		double rawRate = Stats.median(rawRates);
		section.row("setup",
				n + " sandboxes (" + (settings.addressing() == AgentAddressing.PORTS ? "one port each"
						: "path prefixes on one port") + "), " + settings.calls() + " calls per round, "
						+ settings.inFlight() + " in flight, " + settings.warmupCalls() + " warm-up calls per client, "
						+ settings.rounds() + " measured round(s) per client, each in " + CHUNKS
						+ " chunks with the clients taking turns (A B, B A, …); each client has agent ports "
						+ "of its own on the same stub and keeps its pool for the whole run");
		section.row("SDK (reactive) throughput, per round",
				Stats.list("%.0f calls/s", sdkRates.stream().mapToDouble(Double::doubleValue).toArray()));
		section.row("bare WebClient throughput, per round",
				Stats.list("%.0f calls/s", rawRates.stream().mapToDouble(Double::doubleValue).toArray()));
		section.row("SDK / WebClient throughput (median)", Stats.ratio(sdkRate, rawRate));
		section.row("SDK / WebClient throughput, per round (same round)", Figure.of(ratios).format("%.2f"));
		section.row("errors SDK / WebClient (warm-ups included)", sdkErrors + " / " + rawErrors);
		section.row("connections opened during the warm-up (" + settings.warmupCalls() + " calls), SDK / WebClient",
				sdkWarmupConnections + " / " + rawWarmupConnections);
		section.row("connections opened during the measured rounds, SDK / WebClient",
				sdkRoundConnections + " / " + rawRoundConnections + " (for " + settings.rounds() * settings.calls()
						+ " calls each)");
		section.row("most connections open at once during the measured rounds, SDK / WebClient",
				sdkMaxOpen + " / " + rawMaxOpen + String.format(" (%.1f / %.1f per sandbox)", sdkMaxOpen / (double) n,
						rawMaxOpen / (double) n));
		section.row("used heap after full GC: before rounds / after each round",
				Stats.mib(heapBefore) + " / " + String.join(", ", heapAfterRounds.stream().map(Stats::mib).toList()));
		section.row("heap growth over the rounds", Stats.signedMib(heapAfter - heapBefore));
		return new Result(sdkRate, rawRate, sdkErrors, rawErrors, sdkWarmupConnections, sdkRoundConnections, sdkMaxOpen,
				rawMaxOpen, heapBefore, heapAfter, Figure.of(ratios));
	}

	private static Round round(IntFunction<Mono<FileInfo>> call, int calls, int inFlight) {
		LongAdder errors = new LongAdder();
		AtomicReference<@Nullable Throwable> firstError = new AtomicReference<>();
		long started = System.nanoTime();
		Long completed = Flux.range(0, calls)
			.flatMap((i) -> call.apply(i).onErrorResume((error) -> {
				errors.increment();
				firstError.compareAndSet(null, error);
				return Mono.empty();
			}), inFlight)
			.count()
			.block(Duration.ofMinutes(5));
		long elapsed = System.nanoTime() - started;
		long failed = errors.sum();
		if (completed == null || completed + failed != calls) {
			throw new IllegalStateException("expected " + calls + " results, got " + completed + " and " + failed
					+ " errors");
		}
		return new Round(calls, elapsed, failed, firstError.get());
	}

	private record Round(int calls, long nanos, long errors, @Nullable Throwable firstError) {

		static final Round NONE = new Round(0, 0, 0, null);

		double throughput() {
			return this.calls / (this.nanos / 1e9);
		}

		Round plus(Round next) {
			return new Round(this.calls + next.calls, this.nanos + next.nanos, this.errors + next.errors,
					(this.firstError != null) ? this.firstError : next.firstError);
		}

	}

}
