package ai.together.sandbox.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.together.sandbox.benchmarks.jmh.PerCallBenchmark;

/**
 * Target 1 measured a second way: the calls of {@link PerCallBenchmark} timed one by one in a
 * single JVM, the variants taking turns in short batches (the order rotating every round), so
 * that a change of machine load during the run affects every variant alike. JMH runs each
 * benchmark in its own forks one after another, which on a shared 2-core machine lets load drift
 * between benchmarks move their ratio by more than the overhead being measured; this
 * measurement is the one the per-call target is judged on, next to JMH's figures.
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
	 * @param batch calls per variant and round
	 */
	public record Settings(int warmupCalls, int rounds, int batch) {
	}

	/**
	 * Latency percentiles of one variant, microseconds.
	 *
	 * @param p50 the median
	 * @param p90 the 90th percentile
	 * @param p99 the 99th percentile
	 * @param samples the number of calls timed
	 */
	public record Latency(double p50, double p90, double p99, int samples) {
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
				samples.put(name, new long[settings.rounds() * settings.batch()]);
			}
			for (int round = 0; round < settings.rounds(); round++) {
				for (int k = 0; k < names.size(); k++) {
					String name = names.get((round + k) % names.size());
					Callable<Object> call = variants.get(name);
					long[] times = samples.get(name);
					for (int i = 0; i < settings.batch(); i++) {
						long started = System.nanoTime();
						call.call();
						times[round * settings.batch() + i] = System.nanoTime() - started;
					}
				}
			}
			Map<String, Latency> latencies = new LinkedHashMap<>();
			for (Map.Entry<String, long[]> entry : samples.entrySet()) {
				long[] sorted = entry.getValue().clone();
				java.util.Arrays.sort(sorted);
				Latency latency = new Latency(at(sorted, 50), at(sorted, 90), at(sorted, 99), sorted.length);
				latencies.put(entry.getKey(), latency);
				section.row("interleaved " + entry.getKey(), String.format("p50 %.1f µs, p90 %.1f µs, p99 %.1f µs (%d calls)",
						latency.p50(), latency.p90(), latency.p99(), latency.samples()));
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
