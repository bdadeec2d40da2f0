package ai.together.sandbox.benchmarks.harness;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.benchmarks.stub.AgentStub;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.execs.ExecOutput;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Target 3, streaming: an exec's output of a given size (4 KiB of text per event, then the exit
 * event) from the stub, read through {@code execs().streamOutput} (reactive and blocking) and by
 * three raw {@code WebClient} readers: bytes with a trivial line count (the wire ceiling, no
 * decoding), bytes split into lines with each {@code data:} line parsed by Jackson into the same
 * record (the least code that does the SDK's work), and Spring's {@code ServerSentEvent} decoding
 * into the same record (what a WebClient user would write); and, to tell how much of the decoding
 * is JSON, the same line split with each {@code data:} line only turned into a {@code String}
 * (what an SSE decoder hands on, before any JSON parsing). Reports MiB of output per second and
 * the heap retained while streaming (largest used heap after a collection, minus the heap before).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StreamingScenario {

	private static final ParameterizedTypeReference<ServerSentEvent<ExecOutput>> SSE_OF_OUTPUT = new ParameterizedTypeReference<>() {
	};

	/**
	 * What to run.
	 *
	 * @param outputBytes output bytes per reader and measured round, read in streams of 64 MiB:
	 * the longer a round, the less one stall of the machine moves its figure
	 * @param warmupBytes output bytes of the warm-up stream of each reader
	 * @param rounds measured rounds per reader
	 */
	public record Settings(long outputBytes, long warmupBytes, int rounds) {
	}

	/**
	 * The measured outcome, MiB of output per second (median over the rounds).
	 *
	 * @param throughput per reader
	 * @param retainedHeap per reader, the largest heap growth seen after a collection while streaming
	 * @param ratio the SDK's reactive throughput over that of the fastest honest baseline, per round
	 */
	public record Result(Map<String, Double> throughput, Map<String, Long> retainedHeap, Figure ratio) {
	}

	/** The reactive SDK reader. */
	public static final String SDK_REACTIVE = "SDK reactive streamOutput";

	/**
	 * Output bytes of one stream: each round is several streams per reader, the readers taking
	 * turns stream by stream. A stream takes about 0.2 s at 300 MiB/s.
	 */
	private static final long STREAM_BYTES = 64 * Stats.MIB;

	/**
	 * The raw readers that do all of the SDK's work (split the lines, parse each event's JSON into
	 * the same record) with the least code: the streaming target compares the SDK with the
	 * fastest of them in each round. Spring's {@code ServerSentEvent} decoding is not one: it is
	 * measured, but slower than a plain line reader, so comparing with it would flatter the SDK.
	 */
	public static final List<String> HONEST_BASELINES = List.of("WebClient bytes + line split + Jackson",
			"WebClient bytes + line split 8 bytes at a time + Jackson");

	private static final int WARMUP_PASSES = 2;

	private StreamingScenario() {
	}

	/**
	 * Runs the scenario.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the outcome
	 */
	public static Result run(Settings settings, Report.Section section) {
		try (AgentStub stub = AgentStub.start(1, AgentStub.AgentAddressing.PORTS)) {
			return RawClients.sideBySide(stub, "raw-streaming", (sdk, raw) -> measure(settings, section, stub, sdk, raw));
		}
	}

	private static Result measure(Settings settings, Report.Section section, AgentStub stub,
			ReactiveTogetherSandbox sdk, WebClient raw) {
		ReactiveSandbox sandbox = sdk.sandboxes().start(AgentStub.sandboxId(0)).block(Duration.ofSeconds(30));
		Sandbox blocking = sandbox.blocking();
		String agentUrl = stub.agentUrl(0);
		Map<String, Reader> readers = new LinkedHashMap<>();
		readers.put("WebClient bytes + line count (wire ceiling)", (bytes) -> rawBytes(raw, agentUrl, bytes));
		readers.put("WebClient bytes + line split + Jackson", (bytes) -> rawJson(raw, agentUrl, bytes, false));
		readers.put("WebClient bytes + line split 8 bytes at a time + Jackson",
				(bytes) -> rawJson(raw, agentUrl, bytes, true));
		readers.put("WebClient ServerSentEvent<ExecOutput>", (bytes) -> springSse(raw, agentUrl, bytes));
		readers.put("diagnostic: WebClient bytes + line split + String, no JSON", (bytes) -> rawLines(raw, agentUrl, bytes));
		readers.put(SDK_REACTIVE, (bytes) -> sdkReactive(sandbox, bytes));
		readers.put("SDK blocking streamOutput", (bytes) -> sdkBlocking(blocking, bytes));

		Map<String, List<Double>> rates = new LinkedHashMap<>();
		Map<String, Long> retained = new LinkedHashMap<>();
		Map<String, Long> direct = new LinkedHashMap<>();
		Map<String, Integer> collections = new LinkedHashMap<>();
		// The warm-up in two passes over the readers, so that the code they share (Netty, the
		// stub) is compiled for all of them before the first round, not for the last one warmed.
		long warmupPassBytes = settings.warmupBytes() / WARMUP_PASSES;
		for (int pass = 0; pass < WARMUP_PASSES; pass++) {
			for (Map.Entry<String, Reader> reader : readers.entrySet()) {
				check(reader.getKey(), reader.getValue().read(warmupPassBytes), warmupPassBytes);
			}
		}
		for (String reader : readers.keySet()) {
			rates.put(reader, new ArrayList<>());
		}
		List<Map.Entry<String, Reader>> order = new ArrayList<>(readers.entrySet());
		long streamBytes = Math.min(STREAM_BYTES, settings.outputBytes());
		int streamsPerRound = (int) (settings.outputBytes() / streamBytes);
		for (int round = 0; round < settings.rounds(); round++) {
			Map<String, long[]> roundTotals = new LinkedHashMap<>();
			for (int stream = 0; stream < streamsPerRound; stream++) {
				// Each round is several streams per reader, the readers taking turns and the order
				// reversed every turn (A B … B A): a reader's streams are spread over the whole
				// round, so that a burst of machine load falls on every reader alike.
				List<Map.Entry<String, Reader>> turn = new ArrayList<>(order);
				if ((round * streamsPerRound + stream) % 2 == 1) {
					java.util.Collections.reverse(turn);
				}
				for (Map.Entry<String, Reader> reader : turn) {
					long heapBefore = HeapMeter.usedAfterGc();
					long delivered;
					long nanos;
					HeapMeter meter = HeapMeter.start(Duration.ofMillis(20));
					try {
						long started = System.nanoTime();
						delivered = reader.getValue().read(streamBytes);
						nanos = System.nanoTime() - started;
					}
					finally {
						meter.close();
					}
					retained.merge(reader.getKey(), Math.max(0, meter.peakAfterGc() - heapBefore), Math::max);
					direct.merge(reader.getKey(), meter.peakDirect(), Math::max);
					collections.merge(reader.getKey(), meter.collections(), Math::min);
					check(reader.getKey(), delivered, streamBytes);
					long[] totals = roundTotals.computeIfAbsent(reader.getKey(), (key) -> new long[2]);
					totals[0] += delivered;
					totals[1] += nanos;
				}
			}
			roundTotals.forEach((reader, totals) -> rates.get(reader)
				.add(totals[0] / (double) Stats.MIB / (totals[1] / 1e9)));
		}
		section.row("setup", Stats.mib(settings.outputBytes()) + " of output per reader and round, in "
				+ streamsPerRound + " streams of " + Stats.mib(streamBytes) + " (" + (streamBytes / AgentStub.OUTPUT_EVENT_CHARS)
				+ " events of " + AgentStub.OUTPUT_EVENT_CHARS + " characters each), every reader warmed up with "
				+ Stats.mib(settings.warmupBytes()) + " in " + WARMUP_PASSES + " passes over the readers, then " + settings.rounds()
				+ " round(s), the readers taking turns stream by stream, the order reversed every turn");
		Map<String, Double> medians = new LinkedHashMap<>();
		for (Map.Entry<String, List<Double>> rate : rates.entrySet()) {
			double median = Stats.median(rate.getValue());
			medians.put(rate.getKey(), median);
			section.row(rate.getKey(),
					Stats.list("%.0f MiB/s", rate.getValue().stream().mapToDouble(Double::doubleValue).toArray())
							+ "; heap retained while streaming ≤ " + Stats.mib(retained.get(rate.getKey())) + " (over ≥ "
							+ collections.get(rate.getKey()) + " GCs)"
							+ "; Netty direct memory peak " + Stats.mib(direct.get(rate.getKey())));
		}
		List<Double> ratios = new ArrayList<>();
		for (int round = 0; round < settings.rounds(); round++) {
			double fastestHonest = 0;
			for (String honest : HONEST_BASELINES) {
				fastestHonest = Math.max(fastestHonest, rates.get(honest).get(round));
			}
			ratios.add(rates.get(SDK_REACTIVE).get(round) / fastestHonest);
		}
		section.row("SDK reactive / fastest honest raw reader, per round", Figure.of(ratios).format("%.2f"));
		return new Result(medians, retained, Figure.of(ratios));
	}

	private static void check(String reader, long delivered, long expected) {
		if (delivered != expected) {
			throw new IllegalStateException(reader + " delivered " + delivered + " output bytes, expected " + expected);
		}
	}

	/** Reads one stream and returns the output bytes it delivered. */
	@FunctionalInterface
	private interface Reader {

		long read(long outputBytes);

	}

	private static WebClient.ResponseSpec request(WebClient raw, String agentUrl, long bytes) {
		return raw.get()
			.uri(URI.create(agentUrl + AgentStub.outputStreamPath(bytes)))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + AgentStub.AGENT_TOKEN)
			.retrieve();
	}

	private static long rawBytes(WebClient raw, String agentUrl, long bytes) {
		byte[] chunk = new byte[64 * 1024];
		long newlines = request(raw, agentUrl, bytes).bodyToFlux(DataBuffer.class).map((buffer) -> {
			long count = 0;
			try {
				// Bulk copies into one reused array, then a plain scan: the cheapest reading there is.
				while (buffer.readableByteCount() > 0) {
					int length = Math.min(chunk.length, buffer.readableByteCount());
					buffer.read(chunk, 0, length);
					for (int i = 0; i < length; i++) {
						if (chunk[i] == '\n') {
							count++;
						}
					}
				}
				return count;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).reduce(0L, Long::sum).block(Duration.ofMinutes(5));
		// Each event is one data line and one blank line; the last one is the exit event.
		long events = newlines / 2 - 1;
		return events * AgentStub.OUTPUT_EVENT_CHARS;
	}

	private static long rawJson(WebClient raw, String agentUrl, long bytes, boolean wordSearch) {
		return read(raw, agentUrl, bytes, new LineParser(true, wordSearch));
	}

	private static long rawLines(WebClient raw, String agentUrl, long bytes) {
		return read(raw, agentUrl, bytes, new LineParser(false, false));
	}

	private static long read(WebClient raw, String agentUrl, long bytes, LineParser parser) {
		return request(raw, agentUrl, bytes).bodyToFlux(DataBuffer.class)
			.map(parser::feed)
			.reduce(0L, Long::sum)
			.block(Duration.ofMinutes(5));
	}

	private static long springSse(WebClient raw, String agentUrl, long bytes) {
		return request(raw, agentUrl, bytes).bodyToFlux(SSE_OF_OUTPUT)
			.map((event) -> (long) event.data().output().length())
			.reduce(0L, Long::sum)
			.block(Duration.ofMinutes(5));
	}

	private static long sdkReactive(ReactiveSandbox sandbox, long bytes) {
		return sandbox.execs()
			.streamOutput(AgentStub.execId(bytes))
			.map((output) -> (long) output.output().length())
			.reduce(0L, Long::sum)
			.block(Duration.ofMinutes(5));
	}

	private static long sdkBlocking(Sandbox sandbox, long bytes) {
		long total = 0;
		try (StreamResponse<ExecOutput> stream = sandbox.execs().streamOutput(AgentStub.execId(bytes))) {
			Iterator<ExecOutput> outputs = stream.iterator();
			while (outputs.hasNext()) {
				total += outputs.next().output().length();
			}
		}
		return total;
	}

	/**
	 * The least code that does the SDK's work: splits the body into lines across chunks and
	 * parses each {@code data:} line with Jackson, straight from the bytes; or, without JSON,
	 * turns it into a {@code String} and tells the exit event from the output events.
	 */
	private static final class LineParser {

		private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
				ByteOrder.LITTLE_ENDIAN);

		private final boolean json;

		private byte[] line = new byte[8192];

		private int length;

		private final byte[] chunk = new byte[64 * 1024];

		/** Whether line ends are searched eight bytes at a time, as the SDK's decoder does. */
		private final boolean wordSearch;

		LineParser(boolean json, boolean wordSearch) {
			this.json = json;
			this.wordSearch = wordSearch;
		}

		long feed(DataBuffer buffer) {
			long output = 0;
			try {
				while (buffer.readableByteCount() > 0) {
					int read = Math.min(this.chunk.length, buffer.readableByteCount());
					buffer.read(this.chunk, 0, read);
					int start = 0;
					for (int i = lineFeed(start, read); i < read; i = lineFeed(start, read)) {
						if (this.length == 0) {
							// The whole line is in this chunk: parse it in place.
							output += parse(this.chunk, start, i - start);
						}
						else {
							append(start, i - start);
							output += parse(this.line, 0, this.length);
							this.length = 0;
						}
						start = i + 1;
					}
					append(start, read - start);
				}
				return output;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}

		/** The index of the next {@code \n} of the chunk in {@code [from, end)}, or {@code end}. */
		private int lineFeed(int from, int end) {
			int i = from;
			if (this.wordSearch) {
				for (; i <= end - Long.BYTES; i += Long.BYTES) {
					long word = (long) LONGS.get(this.chunk, i) ^ 0x0A0A0A0A0A0A0A0AL;
					if (((word - 0x0101010101010101L) & ~word & 0x8080808080808080L) != 0) {
						break;
					}
				}
			}
			for (; i < end; i++) {
				if (this.chunk[i] == '\n') {
					return i;
				}
			}
			return end;
		}

		private void append(int offset, int count) {
			if (this.length + count > this.line.length) {
				this.line = java.util.Arrays.copyOf(this.line, Math.max(this.line.length * 2, this.length + count));
			}
			System.arraycopy(this.chunk, offset, this.line, this.length, count);
			this.length += count;
		}

		private long parse(byte[] bytes, int offset, int size) {
			if (size < 5 || bytes[offset] != 'd' || bytes[offset + 4] != ':') {
				return 0;
			}
			int start = (size > 5 && bytes[offset + 5] == ' ') ? 6 : 5;
			if (!this.json) {
				String data = new String(bytes, offset + start, size - start, StandardCharsets.UTF_8);
				return data.contains("\"exitCode\"") ? 0 : AgentStub.OUTPUT_EVENT_CHARS;
			}
			try {
				ExecOutput output = RawClients.json()
					.readValue(bytes, offset + start, size - start, ExecOutput.class);
				return output.output().length();
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("malformed event: " + ex.getMessage(), ex);
			}
		}

	}

}
