package ai.together.sandbox.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.benchmarks.harness.RawClients;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exec output streaming: one {@code execs().streamOutput(...)} stream of 1 MiB of output (256
 * server-sent events of {@value AgentStub#OUTPUT_EVENT_CHARS} characters) through the reactive
 * SDK, against the local stub in the same JVM. Run with {@code -prof gc}: the allocation per
 * operation divided by 1 MiB is what the SDK allocates per byte of output (the stub's share
 * included).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StreamingBenchmark {

	/** Output bytes of one stream. */
	private static final long OUTPUT_BYTES = 1024 * 1024;

	private AgentStub stub;

	private ReactiveTogetherSandbox sdk;

	private ReactiveSandbox sandbox;

	/**
	 * Starts the stub and connects the SDK to sandbox {@code bench000}.
	 */
	@Setup(Level.Trial)
	public void setUp() {
		this.stub = AgentStub.start(1, AgentStub.AgentAddressing.PORTS);
		this.sdk = RawClients.sdk(this.stub);
		this.sandbox = this.sdk.sandboxes().start(AgentStub.sandboxId(0)).block(Duration.ofSeconds(30));
	}

	/**
	 * Releases the client and stops the stub.
	 */
	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.stub != null) {
			this.stub.close();
		}
	}

	/**
	 * Reads one exec output stream to its end.
	 * @return the output characters delivered
	 */
	@Benchmark
	public long sdkReactiveStreamOutput() {
		Long total = this.sandbox.execs()
			.streamOutput(AgentStub.execId(OUTPUT_BYTES))
			.map((output) -> (long) output.output().length())
			.reduce(0L, Long::sum)
			.block(Duration.ofMinutes(1));
		if (total == null || total != OUTPUT_BYTES) {
			throw new IllegalStateException("delivered " + total + " output characters, expected " + OUTPUT_BYTES);
		}
		return total;
	}

}
