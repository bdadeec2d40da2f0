package ai.together.sandbox.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's jar entry point run in a JVM of its own with a small heap, so that a test can
 * show that the emulator's memory stays bounded: a child that runs out of heap exits at once
 * ({@code -XX:+ExitOnOutOfMemoryError}) instead of limping on.
 */
final class ChildEmulator implements AutoCloseable {

	private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

	private final Process process;

	private final String baseUrl;

	private final String apiKey;

	private final Deque<String> lastLines;

	private ChildEmulator(Process process, String baseUrl, String apiKey, Deque<String> lastLines) {
		this.process = process;
		this.baseUrl = baseUrl;
		this.apiKey = apiKey;
		this.lastLines = lastLines;
	}

	/**
	 * Starts {@link EmulatorMain} in a new JVM.
	 * @param maxHeap the {@code -Xmx} value, e.g. {@code 64m}
	 * @param args more options of the jar
	 * @return the running child, once it printed its address
	 */
	static ChildEmulator start(String maxHeap, String... args) {
		String apiKey = "child-" + System.nanoTime();
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-cp",
				System.getProperty("java.class.path"), EmulatorMain.class.getName(), "--port", "0", "--api-key", apiKey));
		command.addAll(List.of(args));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Deque<String> lastLines = new ArrayDeque<>();
		CompletableFuture<String> url = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					synchronized (lastLines) {
						lastLines.addLast(line);
						if (lastLines.size() > 40) {
							lastLines.removeFirst();
						}
					}
					Matcher matcher = LISTENING.matcher(line);
					if (matcher.find()) {
						url.complete(matcher.group(1));
					}
				}
			}
			catch (IOException ex) {
				// The child is gone: nothing more to read.
			}
			url.completeExceptionally(new IllegalStateException("the child emulator exited before listening"));
		}, "child-emulator-output");
		reader.setDaemon(true);
		reader.start();
		try {
			return new ChildEmulator(process, url.get(30, TimeUnit.SECONDS), apiKey, lastLines);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw new IllegalStateException("the child emulator did not start: " + tail(lastLines), ex);
		}
	}

	private static String tail(Deque<String> lines) {
		synchronized (lines) {
			return String.join("\n", lines);
		}
	}

	String baseUrl() {
		return this.baseUrl;
	}

	String apiKey() {
		return this.apiKey;
	}

	EmulatorClient client() {
		return new EmulatorClient(this.baseUrl, this.apiKey);
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** The last lines the child printed, for failure messages. */
	String output() {
		return tail(this.lastLines);
	}

	@Override
	public void close() {
		// SIGTERM: the shutdown hook closes the emulator, which kills its processes and removes its
		// temporary data directory.
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
