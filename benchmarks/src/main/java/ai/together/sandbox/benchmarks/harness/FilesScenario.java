package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import ai.together.sandbox.benchmarks.stub.AgentStub;
import org.jspecify.annotations.Nullable;

/**
 * Target 4, files: a write + read round trip of a file of random bytes (binary, so the stub
 * answers in Base64 as the agent does, content before encoding, and echoes the content on create
 * as the emulator does). The stub runs here, warmed up by a client of this JVM before any child
 * starts; each client runs in a JVM of its own ({@link FilesChild}) so that its heap holds only
 * the client and the file, the variants taking turns (A B … B A). Reports the time of each half
 * and the heap: the bytes the client's threads allocate per byte of the file, the peak used heap
 * above the heap right before the call (which already holds the caller's array), and the smallest
 * {@code -Xmx} with which the round trip still completes, found by binary search over child JVMs,
 * next to that of a child that only holds the caller's arrays. Then, optionally, a file of 1 GiB
 * uploaded from disk and downloaded to disk with a small heap.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class FilesScenario {

	/**
	 * The clients compared: the SDK's upload + readBytes, its create + readBytes, a bare
	 * WebClient decoding the way the SDK used to, a streaming client.
	 */
	public static final List<String> VARIANTS = List.of("sdk", "sdk-create", "webclient", "streaming");

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
	 * @param rounds timed runs of each variant
	 * @param bigFileBytes the size of the big-file case, or 0 to skip it
	 * @param bigFileHeapMib the {@code -Xmx} of the big-file case
	 */
	public record Settings(int fileBytes, List<String> variants, List<Integer> heapLadderMib, int measureHeapMib,
			int rounds, long bigFileBytes, int bigFileHeapMib) {
	}

	/**
	 * The measured outcome of the SDK ({@code sdk} variant).
	 *
	 * @param writeMillis time of the write (median)
	 * @param readMillis time of the read (median)
	 * @param peakAboveBaseline per round, the larger peak heap of the two halves above the heap
	 * before it, per file byte
	 * @param allocatedPerByte per round, the heap allocated by the write and the read together, per
	 * file byte
	 * @param smallestHeapMib the smallest {@code -Xmx} of the ladder that completes, or -1 when none did
	 * @param floorHeapMib the same for a child holding only the caller's arrays, or -1
	 * @param bigFile the outcome of the big-file case, or {@code null} when skipped
	 */
	public record Result(long writeMillis, long readMillis, Figure peakAboveBaseline, Figure allocatedPerByte,
			int smallestHeapMib, int floorHeapMib, ChildJvm.@Nullable Outcome bigFile) {
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
					+ "each client in its own JVM (-Xmx" + settings.measureHeapMib() + "m for the timed runs), "
					+ settings.rounds() + " timed run(s) of each, in turns A B … B A; the stub here, warmed up first");
			warmStub(stub, settings.fileBytes());
			Map<String, List<ChildJvm.Outcome>> timed = new LinkedHashMap<>();
			settings.variants().forEach((variant) -> timed.put(variant, new ArrayList<>()));
			for (int round = 0; round < settings.rounds(); round++) {
				List<String> order = new ArrayList<>(settings.variants());
				if (round % 2 == 1) {
					Collections.reverse(order);
				}
				for (String variant : order) {
					ChildJvm.Outcome outcome = child(stub, settings, variant, settings.measureHeapMib());
					if (!outcome.succeeded()) {
						throw new IllegalStateException("files round trip (" + variant + ") failed:\n"
								+ String.join("\n", outcome.tail(40)));
					}
					timed.get(variant).add(outcome);
				}
			}
			double file = settings.fileBytes();
			for (Map.Entry<String, List<ChildJvm.Outcome>> entry : timed.entrySet()) {
				String label = label(entry.getKey());
				List<ChildJvm.Outcome> runs = entry.getValue();
				section.row(label + ": write / read time (median)", median(runs, "writeMs") + " ms / "
						+ median(runs, "readMs") + " ms (" + String.format("%.0f", 2.0 * file / Stats.MIB
								/ ((median(runs, "writeMs") + median(runs, "readMs")) / 1000.0))
						+ " MiB/s round trip)");
				section.row(label + ": peak heap above the pre-call heap, write / read, per file byte",
						Figure.of(perByte(runs, "writePeak", "writeBaseline", file)).format("%.2f×") + " / "
								+ Figure.of(perByte(runs, "readPeak", "readBaseline", file)).format("%.2f×"));
				section.row(label + ": heap allocated by the client, write / read, per file byte",
						Figure.of(ratio(runs, "writeAllocated", file)).format("%.2f×") + " / "
								+ Figure.of(ratio(runs, "readAllocated", file)).format("%.2f×"));
				ChildJvm.Outcome o = runs.get(0);
				section.row(label + ": largest heap after a GC, write / read (first run)",
						Stats.mib(Long.parseLong(o.get("writePeakAfterGc"))) + " / "
								+ Stats.mib(Long.parseLong(o.get("readPeakAfterGc"))) + " (" + o.get("writeGcs") + " / "
								+ o.get("readGcs") + " GCs); Netty direct memory peak "
								+ Stats.mib(Long.parseLong(o.get("direct"))));
			}
			int sdkSmallest = -1;
			int floor = -1;
			if (!settings.heapLadderMib().isEmpty()) {
				floor = smallestHeap(stub, settings, "none");
				section.row("no client (the caller's two arrays alone): smallest -Xmx that completes",
						(floor > 0 ? floor + " MiB" : "none") + " (searched " + settings.heapLadderMib() + " MiB)");
				sdkSmallest = smallestHeap(stub, settings, "sdk");
				section.row(label("sdk") + ": smallest -Xmx that completes the round trip",
						(sdkSmallest > 0 ? sdkSmallest + " MiB" : "none")
								+ ((sdkSmallest > 0 && floor > 0) ? " (" + (sdkSmallest - floor) + " MiB above no client)" : ""));
				if (settings.variants().contains("sdk-create")) {
					int create = smallestHeap(stub, settings, "sdk-create");
					section.row(label("sdk-create") + ": smallest -Xmx that completes the round trip",
							(create > 0 ? create + " MiB" : "none"));
				}
			}
			ChildJvm.@Nullable Outcome bigFile = null;
			if (settings.bigFileBytes() > 0) {
				bigFile = bigFile(stub, settings, section);
			}
			List<ChildJvm.Outcome> sdk = timed.get("sdk");
			List<Double> peaks = new ArrayList<>();
			List<Double> allocated = new ArrayList<>();
			for (ChildJvm.Outcome run : sdk) {
				peaks.add(Math.max(peakAbove(run, "write"), peakAbove(run, "read")) / file);
				allocated.add((Long.parseLong(run.get("writeAllocated")) + Long.parseLong(run.get("readAllocated"))) / file);
			}
			return new Result(median(sdk, "writeMs"), median(sdk, "readMs"), Figure.of(peaks), Figure.of(allocated),
					sdkSmallest, floor, bigFile);
		}
	}

	private static ChildJvm.Outcome bigFile(AgentStub stub, Settings settings, Report.Section section) {
		Path directory;
		try {
			directory = Files.createTempDirectory("together-sandbox-bench-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			List<String> options = new ArrayList<>(CHILD_OPTIONS);
			options.add("-Xmx" + settings.bigFileHeapMib() + "m");
			ChildJvm.Outcome outcome = ChildJvm.run(options, FilesChild.class, List.of(stub.baseUrl(),
					Long.toString(settings.bigFileBytes()), "big", directory.toString()), Duration.ofMinutes(10));
			boolean ok = outcome.succeeded() && "true".equals(outcome.result().get("ok"));
			String name = Stats.mib(settings.bigFileBytes()) + " uploaded from a file and downloaded to a file, -Xmx"
					+ settings.bigFileHeapMib() + "m (files().upload(path, Path), files().download(path, Path))";
			section.row(name, ok ? String.format("completed: upload %s ms, download %s ms, peak used heap %s",
					outcome.get("uploadMs"), outcome.get("downloadMs"), Stats.mib(Long.parseLong(outcome.get("peak"))))
					: "failed (" + firstError(outcome) + ")");
			return outcome;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			try (Stream<Path> files = Files.list(directory)) {
				for (Path file : files.toList()) {
					Files.deleteIfExists(file);
				}
				Files.deleteIfExists(directory);
			}
			catch (IOException ex) {
				System.out.println("[files] could not delete " + directory + ": " + ex);
			}
		}
	}

	/**
	 * Writes and reads the file twice from this JVM, so that the stub's code is compiled before
	 * the first child runs and no variant pays for its warm-up.
	 */
	private static void warmStub(AgentStub stub, int fileBytes) {
		byte[] data = new byte[fileBytes];
		new Random(1).nextBytes(data);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		URI uri = URI.create(stub.agentUrl(0) + "/api/v1/files/%2Fworkspace%2Fwarm.bin");
		try {
			for (int i = 0; i < 2; i++) {
				HttpResponse<Void> write = client.send(HttpRequest.newBuilder(uri)
					.header("Authorization", "Bearer " + AgentStub.AGENT_TOKEN)
					.header("Content-Type", "application/octet-stream")
					.POST(HttpRequest.BodyPublishers.ofByteArray(data))
					.build(), HttpResponse.BodyHandlers.discarding());
				HttpResponse<Void> read = client.send(HttpRequest.newBuilder(uri)
					.header("Authorization", "Bearer " + AgentStub.AGENT_TOKEN)
					.GET()
					.build(), HttpResponse.BodyHandlers.discarding());
				if (write.statusCode() != 201 || read.statusCode() != 200) {
					throw new IllegalStateException("stub warm-up: HTTP " + write.statusCode() + " / " + read.statusCode());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static long median(List<ChildJvm.Outcome> runs, String key) {
		return Math.round(Stats.median(runs.stream().map((run) -> Long.parseLong(run.get(key))).toList()));
	}

	private static List<Double> perByte(List<ChildJvm.Outcome> runs, String peak, String baseline, double file) {
		return runs.stream()
			.map((run) -> Math.max(0, Long.parseLong(run.get(peak)) - Long.parseLong(run.get(baseline))) / file)
			.toList();
	}

	private static List<Double> ratio(List<ChildJvm.Outcome> runs, String key, double file) {
		return runs.stream().map((run) -> Long.parseLong(run.get(key)) / file).toList();
	}

	private static String label(String variant) {
		return switch (variant) {
			case "sdk" -> "SDK (blocking) upload(path, InputStream) + readBytes";
			case "sdk-create" -> "SDK (blocking) create(path, byte[]) + readBytes";
			case "webclient" -> "bare WebClient, whole body joined, FileContent, Base64 decoded";
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
