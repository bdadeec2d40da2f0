package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.benchmarks.stub.AgentStub;

/**
 * Target 4, files: a write + read round trip of a file of random bytes (binary, so the stub
 * answers in Base64 as the agent does, and echoes the content on create as the emulator does).
 * The stub runs here; each client runs in a JVM of its own ({@link FilesChild}) so that its heap
 * holds only the client and the file. Reports the time of each half and the heap: the peak used
 * heap sampled every millisecond and before each collection, above the heap right before the
 * call (which already holds the caller's array), and the smallest {@code -Xmx} with which the
 * round trip still completes.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class FilesScenario {

	/** The clients compared: the SDK, a bare WebClient decoding the same way, a streaming client. */
	public static final List<String> VARIANTS = List.of("sdk", "webclient", "streaming");

	/** A child that runs out of heap on any thread exits at once, rather than waiting forever for a reply. */
	private static final List<String> CHILD_OPTIONS = List.of("-XX:MaxDirectMemorySize=1g", "-XX:+UseG1GC",
			"-XX:+ExitOnOutOfMemoryError");

	/**
	 * What to run.
	 *
	 * @param fileBytes the file size
	 * @param variants the clients to time, {@code sdk} first
	 * @param heapLadderMib the {@code -Xmx} values (MiB, ascending) among which the smallest that
	 * completes the round trip is searched (none: no search)
	 * @param measureHeapMib the {@code -Xmx} of the timed runs
	 */
	public record Settings(int fileBytes, List<String> variants, List<Integer> heapLadderMib, int measureHeapMib) {
	}

	/**
	 * The measured outcome of the SDK.
	 *
	 * @param writeMillis time of the write
	 * @param readMillis time of the read
	 * @param peakAboveBaseline the larger peak heap of the two halves above the heap before it
	 * @param smallestHeapMib the smallest {@code -Xmx} of the ladder that completes, or -1 when none did
	 * @param streamingSmallestHeapMib the same for the streaming client
	 */
	public record Result(long writeMillis, long readMillis, long peakAboveBaseline, int smallestHeapMib,
			int streamingSmallestHeapMib) {
	}

	private FilesScenario() {
	}

	/**
	 * Runs the scenario.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the outcome of the SDK
	 */
	public static Result run(Settings settings, Report.Section section) {
		try (AgentStub stub = AgentStub.start(1, AgentStub.AgentAddressing.PORTS, 2)) {
			section.row("setup", Stats.mib(settings.fileBytes()) + " of random bytes, written then read back; "
					+ "each client in its own JVM (-Xmx" + settings.measureHeapMib() + "m for the timed runs), the stub here");
			Map<String, ChildJvm.Outcome> timed = new LinkedHashMap<>();
			for (String variant : settings.variants()) {
				ChildJvm.Outcome outcome = child(stub, settings, variant, settings.measureHeapMib());
				if (!outcome.succeeded()) {
					throw new IllegalStateException("files round trip (" + variant + ") failed:\n"
							+ String.join("\n", outcome.tail(40)));
				}
				timed.put(variant, outcome);
			}
			for (Map.Entry<String, ChildJvm.Outcome> entry : timed.entrySet()) {
				ChildJvm.Outcome o = entry.getValue();
				section.row(label(entry.getKey()) + ": write / read time", o.get("writeMs") + " ms / " + o.get("readMs")
						+ " ms (" + String.format("%.0f", 2.0 * settings.fileBytes() / Stats.MIB
								/ ((Long.parseLong(o.get("writeMs")) + Long.parseLong(o.get("readMs"))) / 1000.0))
						+ " MiB/s round trip)");
				section.row(label(entry.getKey()) + ": peak heap above the pre-call heap, write / read",
						Stats.mib(peakAbove(o, "write")) + " / " + Stats.mib(peakAbove(o, "read")) + " ("
								+ String.format("%.1f× / %.1f×", peakAbove(o, "write") / (double) settings.fileBytes(),
										peakAbove(o, "read") / (double) settings.fileBytes())
								+ " the file; pre-call heap " + Stats.mib(Long.parseLong(o.get("readBaseline")))
								+ " incl. the caller's array)");
				section.row(label(entry.getKey()) + ": heap allocated by the call, write / read",
						Stats.mib(Long.parseLong(o.get("writeAllocated"))) + " / "
								+ Stats.mib(Long.parseLong(o.get("readAllocated"))) + String.format(" (%.1f× / %.1f× the file)",
										Long.parseLong(o.get("writeAllocated")) / (double) settings.fileBytes(),
										Long.parseLong(o.get("readAllocated")) / (double) settings.fileBytes()));
				section.row(label(entry.getKey()) + ": largest heap after a GC, write / read",
						Stats.mib(Long.parseLong(o.get("writePeakAfterGc"))) + " / "
								+ Stats.mib(Long.parseLong(o.get("readPeakAfterGc"))) + " (" + o.get("writeGcs") + " / "
								+ o.get("readGcs") + " GCs); Netty direct memory peak "
								+ Stats.mib(Long.parseLong(o.get("direct"))));
			}
			int sdkSmallest = -1;
			int streamingSmallest = -1;
			if (!settings.heapLadderMib().isEmpty()) {
				sdkSmallest = smallestHeap(stub, settings, "sdk");
				section.row("SDK: smallest -Xmx that completes the round trip",
						(sdkSmallest > 0 ? sdkSmallest + " MiB" : "none") + " (searched " + settings.heapLadderMib() + " MiB)");
				if (settings.variants().contains("streaming")) {
					streamingSmallest = smallestHeap(stub, settings, "streaming");
					section.row("streaming client: smallest -Xmx that completes the round trip",
							(streamingSmallest > 0 ? streamingSmallest + " MiB" : "none"));
				}
			}
			ChildJvm.Outcome sdk = timed.get("sdk");
			long peak = Math.max(peakAbove(sdk, "write"), peakAbove(sdk, "read"));
			return new Result(Long.parseLong(sdk.get("writeMs")), Long.parseLong(sdk.get("readMs")), peak, sdkSmallest,
					streamingSmallest);
		}
	}

	private static String label(String variant) {
		return switch (variant) {
			case "sdk" -> "SDK (blocking)";
			case "webclient" -> "bare WebClient, same decoding";
			default -> "streaming JDK HttpClient + Jackson readBinaryValue";
		};
	}

	private static long peakAbove(ChildJvm.Outcome outcome, String half) {
		return Math.max(0, Long.parseLong(outcome.get(half + "Peak")) - Long.parseLong(outcome.get(half + "Baseline")));
	}

	/**
	 * Binary search over the ladder for the smallest heap that completes (success is monotonic
	 * in the heap size).
	 */
	private static int smallestHeap(AgentStub stub, Settings settings, String variant) {
		List<Integer> ladder = new ArrayList<>(settings.heapLadderMib());
		int low = 0;
		int high = ladder.size() - 1;
		int found = -1;
		while (low <= high) {
			int middle = (low + high) / 2;
			ChildJvm.Outcome outcome = child(stub, settings, variant, ladder.get(middle));
			boolean ok = outcome.succeeded() && "true".equals(outcome.result().get("ok"));
			System.out.printf("[files] %s with -Xmx%dm: %s%n", variant, ladder.get(middle),
					ok ? "completed" : "failed (" + firstError(outcome) + ")");
			if (ok) {
				found = ladder.get(middle);
				high = middle - 1;
			}
			else {
				low = middle + 1;
			}
		}
		return found;
	}

	private static String firstError(ChildJvm.Outcome outcome) {
		return outcome.output()
			.stream()
			.filter((line) -> line.contains("OutOfMemoryError") || line.contains("Exception"))
			.findFirst()
			.orElse("exit code " + outcome.exitCode());
	}

	private static ChildJvm.Outcome child(AgentStub stub, Settings settings, String variant, int heapMib) {
		List<String> options = new ArrayList<>(CHILD_OPTIONS);
		options.add("-Xmx" + heapMib + "m");
		try {
			return ChildJvm.run(options, FilesChild.class,
					List.of(stub.baseUrl(), Integer.toString(settings.fileBytes()), variant), Duration.ofSeconds(90));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
