package ai.together.sandbox.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM with this JVM's classpath, collects its output and always
 * stops it (destroyed when it outlives its time limit).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ChildJvm {

	/** Prefix of the result lines a child prints: {@code RESULT key=value key=value}. */
	public static final String RESULT_PREFIX = "RESULT ";

	private ChildJvm() {
	}

	/**
	 * The outcome of a child JVM.
	 *
	 * @param exitCode the exit code ({@code -1} when it was destroyed after its time limit)
	 * @param output every line it printed (standard output and error)
	 * @param result the key/value pairs of its {@code RESULT} lines
	 * @param wallNanos how long it ran
	 */
	public record Outcome(int exitCode, List<String> output, Map<String, String> result, long wallNanos) {

		/**
		 * Returns a result value.
		 * @param key the key
		 * @return the value
		 * @throws IllegalStateException when the child did not report it
		 */
		public String get(String key) {
			String value = this.result.get(key);
			if (value == null) {
				throw new IllegalStateException("The child JVM reported no '" + key + "' (exit code " + this.exitCode
						+ "); its output:\n" + String.join("\n", tail(40)));
			}
			return value;
		}

		/**
		 * Returns whether the child exited normally.
		 * @return {@code true} for exit code 0
		 */
		public boolean succeeded() {
			return this.exitCode == 0;
		}

		/**
		 * Returns the last lines of its output.
		 * @param lines how many
		 * @return the lines
		 */
		public List<String> tail(int lines) {
			return this.output.subList(Math.max(0, this.output.size() - lines), this.output.size());
		}

	}

	/**
	 * Runs a main class in a new JVM.
	 * @param jvmOptions options such as {@code -Xmx256m}
	 * @param mainClass the class to run
	 * @param arguments its arguments
	 * @param limit how long it may run
	 * @return what it did
	 * @throws IOException when it cannot be started
	 */
	public static Outcome run(List<String> jvmOptions, Class<?> mainClass, List<String> arguments, Duration limit)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(arguments);
		long started = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> output = Collections.synchronizedList(new ArrayList<>());
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					output.add(line);
				}
			}
			catch (IOException ex) {
				output.add("(output lost: " + ex + ")");
			}
		}, "child-jvm-output");
		reader.setDaemon(true);
		reader.start();
		int exitCode;
		try {
			if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
				exitCode = process.exitValue();
			}
			else {
				exitCode = -1;
				output.add("(destroyed after " + limit + ")");
			}
			reader.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exitCode = -1;
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
				try {
					process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		long wall = System.nanoTime() - started;
		Map<String, String> result = new HashMap<>();
		synchronized (output) {
			for (String line : output) {
				if (line.startsWith(RESULT_PREFIX)) {
					for (String pair : line.substring(RESULT_PREFIX.length()).trim().split("\\s+")) {
						int equals = pair.indexOf('=');
						if (equals > 0) {
							result.put(pair.substring(0, equals), pair.substring(equals + 1));
						}
					}
				}
			}
		}
		return new Outcome(exitCode, List.copyOf(output), Map.copyOf(result), wall);
	}

}
