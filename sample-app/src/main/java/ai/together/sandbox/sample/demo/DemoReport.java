package ai.together.sandbox.sample.demo;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

/**
 * What one run of the demo job did: the sandbox, the command's exit code and output, the result
 * file read back, the files and ports listed, how the sandbox ended, and how long each step took.
 *
 * @param baseUrl the management API the demo talked to
 * @param sandboxId the sandbox created, or {@code null} when creation failed
 * @param finalStatus the sandbox status after the shutdown, or {@code null} when it was not shut
 * down (never created, or the shutdown failed)
 * @param exitCode the command's exit code, or {@code null} when it did not exit
 * @param stdout the command's standard output
 * @param stderr the command's standard error
 * @param outputMessages how many output messages were streamed (the exit message included)
 * @param result the content of the result file, or {@code null} when it was not read
 * @param files the names in the working directory after the run
 * @param ports the ports open in the sandbox after the run
 * @param timings how long each step took, in order
 * @param total how long the whole job took
 * @param failure what went wrong, or {@code null}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record DemoReport(String baseUrl, @Nullable String sandboxId, @Nullable String finalStatus,
		@Nullable Integer exitCode, String stdout, String stderr, int outputMessages, @Nullable String result,
		List<String> files, List<Integer> ports, Map<String, Duration> timings, Duration total,
		@Nullable Throwable failure) {

	/**
	 * Copies the collections.
	 */
	public DemoReport {
		files = List.copyOf(files);
		ports = List.copyOf(ports);
		timings = Collections.unmodifiableMap(new LinkedHashMap<>(timings));
	}

	/**
	 * Whether every step worked, the command exited with 0 and the sandbox was shut down.
	 * @return {@code true} on success
	 */
	public boolean succeeded() {
		return this.failure == null && Integer.valueOf(0).equals(this.exitCode) && this.finalStatus != null;
	}

	/**
	 * Formats the short summary printed at the end of the demo.
	 * @return the summary, several lines
	 */
	public String summary() {
		StringBuilder summary = new StringBuilder();
		summary.append(System.lineSeparator()).append("== Together Sandbox demo summary ==").append(System.lineSeparator());
		line(summary, "api", this.baseUrl);
		line(summary, "sandbox", (this.sandboxId != null) ? this.sandboxId + " -> "
				+ ((this.finalStatus != null) ? this.finalStatus : "NOT shut down") : "not created");
		line(summary, "exit code", (this.exitCode != null) ? this.exitCode.toString() : "-");
		line(summary, "output", this.outputMessages + " messages streamed");
		line(summary, "result", (this.result != null) ? this.result.strip().replace('\n', ' ') : "-");
		line(summary, "files", this.files.isEmpty() ? "-" : String.join(", ", this.files));
		line(summary, "ports", this.ports.isEmpty() ? "none open"
				: String.join(", ", this.ports.stream().map(String::valueOf).toList()));
		StringJoiner steps = new StringJoiner(", ");
		this.timings.forEach((step, duration) -> steps.add(step + " " + millis(duration)));
		line(summary, "timings", steps.toString());
		line(summary, "total", millis(this.total));
		summary.append(succeeded() ? "Demo OK" : "Demo FAILED" + ((this.failure != null) ? ": " + this.failure : ""));
		return summary.toString();
	}

	private static void line(StringBuilder summary, String label, String value) {
		summary.append(String.format(Locale.ROOT, "  %-10s %s%n", label, value));
	}

	private static String millis(Duration duration) {
		return duration.toMillis() + " ms";
	}

}
