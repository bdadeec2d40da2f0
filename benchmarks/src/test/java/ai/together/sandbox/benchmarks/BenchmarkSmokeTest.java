package ai.together.sandbox.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import ai.together.sandbox.benchmarks.harness.ConcurrencyScenario;
import ai.together.sandbox.benchmarks.harness.CountingSocket;
import ai.together.sandbox.benchmarks.harness.EmulatorScenario;
import ai.together.sandbox.benchmarks.harness.Figure;
import ai.together.sandbox.benchmarks.harness.FilesScenario;
import ai.together.sandbox.benchmarks.harness.Report;
import ai.together.sandbox.benchmarks.harness.StreamingScenario;
import ai.together.sandbox.benchmarks.jmh.PerCallBenchmark;
import ai.together.sandbox.benchmarks.spring.StartupApplication;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.files.FileInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that every benchmark starts and produces sane figures, with tiny sizes; the real runs
 * are never part of the build. Every stub, emulator and child JVM a scenario starts is stopped by
 * the scenario itself.
 */
class BenchmarkSmokeTest {

	@Test
	void jmhBenchmarkListNamesEveryPerCallBenchmark() throws IOException {
		try (InputStream list = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
			assertThat(list).as("the JMH annotation processor generated META-INF/BenchmarkList").isNotNull();
			String content = new String(list.readAllBytes(), StandardCharsets.UTF_8);
			for (String method : List.of("sdkBlocking", "sdkReactive", "rawWebClient", "rawJdkHttpClient",
					"rawWebClientMonoTimeout", "rawWebClientNettyTimeout", "sdkReactiveNoRetries")) {
				assertThat(content).contains(" " + PerCallBenchmark.class.getName() + " ")
					.contains(".jmh_generated.PerCallBenchmark_" + method + "_jmhTest ");
			}
		}
	}

	@Test
	void perCallBenchmarksAllReadTheStubsFileInfo() throws Exception {
		PerCallBenchmark benchmark = new PerCallBenchmark();
		benchmark.setUp();
		try {
			for (FileInfo info : List.of(benchmark.sdkBlocking(), benchmark.sdkReactive(), benchmark.rawWebClient(),
					benchmark.rawJdkHttpClient(), benchmark.rawWebClientMonoTimeout(),
					benchmark.rawWebClientNettyTimeout(), benchmark.sdkReactiveNoRetries())) {
				assertThat(info.path()).isEqualTo(AgentStub.STAT_PATH);
				assertThat(info.size()).isEqualTo(12345L);
			}
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void concurrencyScenarioCompletesEveryCallOverSeparatePorts() {
		Report report = new Report();
		// The warm-up as long as the round, so that it reaches the round's calls in flight per
		// port: with a fifth of it (10 calls a chunk, 16 allowed in flight), the round went on
		// to open 11 to 17 connections idle and 21 under load.
		ConcurrencyScenario.Result result = ConcurrencyScenario.run(
				new ConcurrencyScenario.Settings(4, 200, 16, 200, 1, AgentStub.AgentAddressing.PORTS),
				report.section("concurrency"));
		assertThat(result.sdkErrors()).isZero();
		assertThat(result.rawErrors()).isZero();
		assertThat(result.sdkThroughput()).isPositive();
		assertThat(result.rawThroughput()).isPositive();
		// At least one connection per sandbox port, at most one per call in flight on each, and
		// reused: the round opens far fewer than its 200 calls (0 to 3 in 60 runs).
		assertThat(result.sdkWarmupConnections()).isBetween(4L, 4L * 16);
		assertThat(result.sdkRoundConnections()).isLessThan(20L);
		assertThat(result.sdkMaxOpen()).isPositive();
		assertThat(report.markdown()).contains("SDK / WebClient throughput (median)");
	}

	@Test
	void concurrencyScenarioCompletesEveryCallOverPathPrefixes() {
		ConcurrencyScenario.Result result = ConcurrencyScenario.run(
				new ConcurrencyScenario.Settings(3, 90, 8, 30, 1, AgentStub.AgentAddressing.PATHS),
				new Report().section("concurrency over paths"));
		assertThat(result.sdkErrors()).isZero();
		assertThat(result.sdkMaxOpen()).isBetween(1, 30);
	}

	@Test
	void streamingScenarioDeliversTheWholeOutputToEveryReader() {
		long bytes = 64L * AgentStub.OUTPUT_EVENT_CHARS;
		StreamingScenario.Result result = StreamingScenario.run(new StreamingScenario.Settings(bytes, bytes, 1),
				new Report().section("streaming"));
		// The scenario itself fails when a reader delivers a different number of bytes.
		assertThat(result.throughput()).hasSize(7).allSatisfy((reader, rate) -> assertThat(rate).isPositive());
	}

	@Test
	void filesScenarioRoundTripsAFileInAChildJvmAndABigFileThroughFiles() {
		FilesScenario.Result result = FilesScenario.run(
				new FilesScenario.Settings(1024 * 1024, List.of("sdk"), List.of(), 256, 1, 3L * 1024 * 1024, 96),
				new Report().section("files"));
		assertThat(result.writeMillis()).isNotNegative();
		assertThat(result.readMillis()).isNotNegative();
		assertThat(result.peakAboveBaseline().rounds()).isEqualTo(1);
		assertThat(result.allocatedPerByte().median()).isPositive();
		assertThat(result.smallestHeapMib()).isEqualTo(-1);
		assertThat(result.bigFile()).isNotNull();
		assertThat(result.bigFile().result()).containsEntry("ok", "true");
	}

	@Test
	void aTargetIsMetOnlyWhenEveryRoundMeetsIt() {
		Figure spread = Figure.of(List.of(0.98, 1.02, 1.07));
		assertThat(spread.atMost(1.10)).isEqualTo(Figure.Verdict.MET);
		assertThat(spread.atMost(1.05)).isEqualTo(Figure.Verdict.INCONCLUSIVE);
		assertThat(spread.atMost(0.95)).isEqualTo(Figure.Verdict.MISSED);
		assertThat(spread.atLeast(0.90)).isEqualTo(Figure.Verdict.MET);
		assertThat(spread.atLeast(1.00)).isEqualTo(Figure.Verdict.INCONCLUSIVE);
		assertThat(spread.below(0.98)).isEqualTo(Figure.Verdict.MISSED);
		assertThat(spread.format("%.2f")).isEqualTo("median 1.02 (min 0.98, max 1.07, 3 rounds)");
		Report report = new Report();
		report.target("a", "≤ 1.10", "x", spread.atMost(1.10));
		assertThat(report.allTargetsMet()).isTrue();
		report.target("b", "≤ 1.05", "x", spread.atMost(1.05));
		assertThat(report.allTargetsMet()).as("inconclusive is not met").isFalse();
		assertThat(report.markdown()).contains("| b | ≤ 1.05 | x | ").contains("| **inconclusive** |");
	}

	@Test
	void filesChildDecodesTheStubsBase64WithTheBaselineClients() throws Exception {
		// The SDK variant runs in a child JVM above; the two baselines run here, in this JVM.
		try (AgentStub stub = AgentStub.start(1, AgentStub.AgentAddressing.PORTS)) {
			for (String variant : List.of("webclient", "streaming")) {
				String output = captureOutput(() -> ai.together.sandbox.benchmarks.harness.FilesChild
					.main(new String[] { stub.baseUrl(), Integer.toString(256 * 1024), variant }));
				assertThat(output).as(variant).contains("RESULT ok=true");
			}
		}
	}

	@Test
	void emulatorScenarioRunsExecsInSeveralSandboxesAtOnce() {
		EmulatorScenario.Result result = EmulatorScenario.run(new EmulatorScenario.Settings(2, 1, 2, 2),
				new Report().section("emulator"));
		assertThat(result.burstErrors()).isZero();
		assertThat(result.execMedian()).isPositive();
		assertThat(result.execP99()).isGreaterThanOrEqualTo(result.execMedian());
		assertThat(result.startMedian()).isPositive();
	}

	@Test
	void springStartupOpensNoConnectionWithOrWithoutTheStarter() throws Exception {
		// In this JVM: the scenario's child-JVM launching is covered by the files scenario above.
		try (CountingSocket counter = new CountingSocket()) {
			String with = captureOutput(() -> StartupApplication.main(new String[] { "with", counter.baseUrl() }));
			String without = captureOutput(() -> StartupApplication.main(new String[] { "without", counter.baseUrl() }));
			assertThat(with).containsPattern("RESULT mode=with runMicros=\\d+ .* client=true");
			assertThat(without).containsPattern("RESULT mode=without runMicros=\\d+ .* client=false");
			assertThat(counter.accepted()).isZero();
		}
	}

	@Test
	void reportMarksAMissedTargetAndListsEveryFigure() {
		Report report = new Report();
		report.section("a scenario").row("a figure", "42 calls/s");
		report.target("t1", "≤ 1.15", "1.02", true);
		assertThat(report.allTargetsMet()).isTrue();
		report.target("t2", "≥ 0.85", "0.70", false);
		assertThat(report.allTargetsMet()).isFalse();
		// Each verdict row carries the load average between the measured value and the verdict.
		assertThat(report.markdown()).contains("### a scenario", "| a figure | 42 calls/s |")
			.containsPattern("\\| t1 \\| ≤ 1\\.15 \\| 1\\.02 \\| [^|]+ \\| met \\|")
			.containsPattern("\\| t2 \\| ≥ 0\\.85 \\| 0\\.70 \\| [^|]+ \\| \\*\\*missed\\*\\* \\|");
	}

	private static String captureOutput(ThrowingRunnable action) throws Exception {
		PrintStream original = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			action.run();
		}
		finally {
			System.setOut(original);
		}
		return captured.toString(StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	private interface ThrowingRunnable {

		void run() throws Exception;

	}

}
