package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the figures were measured on: processors, memory, CPU model, JDK and load.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Machine {

	private Machine() {
	}

	/**
	 * Describes the machine and the JVM in one line.
	 * @return for example {@code 2 CPUs (AMD EPYC), 23.4 GiB RAM, OpenJDK 17.0.15 …}
	 */
	public static String describe() {
		return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), " + memory() + " RAM, "
				+ System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", max heap "
				+ Stats.mib(Runtime.getRuntime().maxMemory());
	}

	/**
	 * Returns the load averages of the last 1, 5 and 15 minutes ({@code /proc/loadavg}).
	 * @return for example {@code 0.52 0.81 1.20}, or {@code unknown}
	 */
	public static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	/**
	 * Returns the 1-minute load average.
	 * @return the load, or {@code -1} when unknown
	 */
	public static double loadAverage1() {
		try {
			return Double.parseDouble(loadAverage().split(" ")[0]);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static String cpuModel() {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
			return lines.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	private static String memory() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.map((line) -> String.format("%.1f GiB",
						Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

}
