package ai.together.sandbox.benchmarks.harness;

import java.util.Arrays;
import java.util.List;

/**
 * Small statistics helpers: nearest-rank percentiles and human-readable sizes.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Stats {

	/** One mebibyte. */
	public static final long MIB = 1024L * 1024;

	private Stats() {
	}

	/**
	 * Returns a nearest-rank percentile.
	 * @param values the values (not modified)
	 * @param percentile between 0 (exclusive) and 100
	 * @return the value at that rank
	 */
	public static double percentile(List<? extends Number> values, double percentile) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException("values must not be empty");
		}
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	/**
	 * Returns the median.
	 * @param values the values
	 * @return the median
	 */
	public static double median(List<? extends Number> values) {
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		if (sorted.length == 0) {
			throw new IllegalArgumentException("values must not be empty");
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/**
	 * Formats bytes as MiB with one decimal.
	 * @param bytes the size
	 * @return for example {@code 12.3 MiB}
	 */
	public static String mib(long bytes) {
		return String.format("%.1f MiB", bytes / (double) MIB);
	}

	/**
	 * Formats signed bytes as MiB with one decimal and a sign.
	 * @param bytes the size
	 * @return for example {@code +1.2 MiB}
	 */
	public static String signedMib(long bytes) {
		return String.format("%+.1f MiB", bytes / (double) MIB);
	}

	/**
	 * Formats a ratio with two decimals.
	 * @param value the value
	 * @param baseline the baseline
	 * @return for example {@code 1.04}
	 */
	public static String ratio(double value, double baseline) {
		return String.format("%.2f", value / baseline);
	}

	/**
	 * Formats milliseconds with one decimal.
	 * @param nanos a duration in nanoseconds
	 * @return for example {@code 12.3 ms}
	 */
	public static String ms(double nanos) {
		return String.format("%.1f ms", nanos / 1e6);
	}

	/**
	 * Returns the values as a comma-separated list with a format.
	 * @param format the format of each value
	 * @param values the values
	 * @return the list
	 */
	public static String list(String format, double... values) {
		return String.join(", ", Arrays.stream(values).mapToObj((v) -> String.format(format, v)).toList());
	}

}
