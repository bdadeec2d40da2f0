package ai.together.sandbox.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.together.sandbox.benchmarks.jmh.PerCallBenchmark;

/**
 * Target 1 measured a second way: the calls of {@link PerCallBenchmark} timed one by one in a
 * single JVM, every variant warmed up first, then the variants taking turns in short batches:
 * each round is many cycles, each cycle runs every variant one batch, in one order and then (the
 * next cycle) in the reverse order (A B … B A). A variant's calls are so spread over the whole
 * round, and a burst of machine load (another process, a stolen CPU) during the round falls on
 * every variant alike rather than on whichever ran its long batch then. JMH runs each benchmark
 * in its own forks one after another, which on a shared 2-core machine lets load drift between
 * benchmarks move their ratio by more than the overhead being measured; this measurement is the
 * one the per-call target is judged on, next to JMH's figures.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class PerCallInterleaved {

	/**
	 * What to run.
	 *
	 * @param warmupCalls calls per variant before measuring
	 * @param rounds measured rounds
	 * @param cycles cycles per round (each runs every variant one batch; the order reverses from
	 * one cycle to the next)
	 * @param batch calls per variant and cycle
	 */
	public record Settings(int warmupCalls, int rounds, int cycles, int batch) {
	}

	/**
	 * Latency percentiles of one variant, microseconds.
	 *
	 * @param p50 the median
	 * @param p90 the 90th percentile
	 * @param p99 the 99th percentile
	 * @param samples the number of calls timed
	 * @param roundP50s the median of each round, microseconds
	 */
	public record Latency(double p50, double p90, double p99, int samples, List<Double> roundP50s) {
	}

	private PerCallInterleaved() {
	}

	/**
	 * Runs the measurement.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the latency of each variant, by benchmark method name
	 * @throws Exception when a call fails
	 */
	public static Map<String, Latency> run(Settings settings, Report.Section section) throws Exception {
		PerCallBenchmark benchmark = new PerCallBenchmark();
		benchmark.setUp();
		try {
			Map<String, Callable<Object>> variants = new LinkedHashMap<>();
			variants.put("sdkBlocking", benchmark::sdkBlocking);
			variants.put("sdkReactive", benchmark::sdkReactive);
			variants.put("rawWebClient", benchmark::rawWebClient);
			variants.put("rawJdkHttpClient", benchmark::rawJdkHttpClient);
			variants.put("rawWebClientMonoTimeout", benchmark::rawWebClientMonoTimeout);
			variants.put("rawWebClientNettyTimeout", benchmark::rawWebClientNettyTimeout);
			variants.put("sdkReactiveNoRetries", benchmark::sdkReactiveNoRetries);
			List<String> names = new ArrayList<>(variants.keySet());
			Map<String, long[]> samples = new LinkedHashMap<>();
			for (String name : names) {
				for (int i = 0; i < settings.warmupCalls(); i++) {
					variants.get(name).call();
				}
			}
			int perRound = settings.cycles() * settings.batch();
			for (String name : names) {
				samples.put(name, new long[settings.rounds() * perRound]);
			}
			for (int round = 0; round < settings.rounds(); round++) {
				for (int cycle = 0; cycle < settings.cycles(); cycle++) {
					for (int k = 0; k < names.size(); k++) {
						// A B C … then … C B A: no variant always runs first or right after another.
						String name = names.get((cycle % 2 == 0) ? k : names.size() - 1 - k);
						Callable<Object> call = variants.get(name);
						long[] times = samples.get(name);
						int offset = round * perRound + cycle * settings.batch();
						for (int i = 0; i < settings.batch(); i++) {
							long started = System.nanoTime();
							call.call();
							times[offset + i] = System.nanoTime() - started;
						}
					}
				}
			}
			Map<String, Latency> latencies = new LinkedHashMap<>();
			for (Map.Entry<String, long[]> entry : samples.entrySet()) {
				long[] all = entry.getValue();
				List<Double> roundP50s = new ArrayList<>();
				for (int round = 0; round < settings.rounds(); round++) {
					long[] one = java.util.Arrays.copyOfRange(all, round * perRound, (round + 1) * perRound);
					java.util.Arrays.sort(one);
					roundP50s.add(at(one, 50));
				}
				long[] sorted = all.clone();
				java.util.Arrays.sort(sorted);
				Latency latency = new Latency(at(sorted, 50), at(sorted, 90), at(sorted, 99), sorted.length, roundP50s);
				latencies.put(entry.getKey(), latency);
				section.row("interleaved " + entry.getKey(),
						String.format("p50 %.1f µs, p90 %.1f µs, p99 %.1f µs (%d calls); p50 per round %s", latency.p50(),
								latency.p90(), latency.p99(), latency.samples(),
								Figure.of(roundP50s).format("%.1f µs")));
			}
			return latencies;
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static double at(long[] sorted, int percentile) {
		int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
	}

}
