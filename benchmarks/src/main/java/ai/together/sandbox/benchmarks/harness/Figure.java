package ai.together.sandbox.benchmarks.harness;

import java.util.List;

/**
 * One figure measured over several rounds: its smallest, median and largest value. A target is
 * judged on the whole spread ({@link #atMost}, {@link #atLeast}): met only when every round meets
 * it, missed when no round does, inconclusive when the spread crosses it.
 *
 * @param min the smallest value of a round
 * @param median the median over the rounds
 * @param max the largest value of a round
 * @param rounds how many rounds
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record Figure(double min, double median, double max, int rounds) {

	/**
	 * Returns the figure of some rounds.
	 * @param values one value per round
	 * @return the figure
	 */
	public static Figure of(List<? extends Number> values) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException("values must not be empty");
		}
		double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
		return new Figure(sorted[0], Stats.median(values), sorted[sorted.length - 1], sorted.length);
	}

	/**
	 * Returns a figure of one measurement.
	 * @param value the value
	 * @return the figure, one round
	 */
	public static Figure single(double value) {
		return new Figure(value, value, value, 1);
	}

	/**
	 * Formats the figure: {@code median 1.02 (min 0.98, max 1.07, 8 rounds)}.
	 * @param format the format of each value, for example {@code %.2f}
	 * @return the text
	 */
	public String format(String format) {
		if (this.rounds == 1) {
			return String.format(format, this.median) + " (1 round)";
		}
		return "median " + String.format(format, this.median) + " (min " + String.format(format, this.min) + ", max "
				+ String.format(format, this.max) + ", " + this.rounds + " rounds)";
	}

	/**
	 * Judges a target that the figure must not exceed.
	 * @param limit the largest value that meets it
	 * @return met when every round is at most the limit, missed when none is
	 */
	public Verdict atMost(double limit) {
		return (this.max <= limit) ? Verdict.MET : (this.min > limit) ? Verdict.MISSED : Verdict.INCONCLUSIVE;
	}

	/**
	 * Judges a target that the figure must reach.
	 * @param limit the smallest value that meets it
	 * @return met when every round is at least the limit, missed when none is
	 */
	public Verdict atLeast(double limit) {
		return (this.min >= limit) ? Verdict.MET : (this.max < limit) ? Verdict.MISSED : Verdict.INCONCLUSIVE;
	}

	/**
	 * Judges a target that the figure must stay below.
	 * @param limit the smallest value that misses it
	 * @return met when every round is below the limit, missed when none is
	 */
	public Verdict below(double limit) {
		return (this.max < limit) ? Verdict.MET : (this.min >= limit) ? Verdict.MISSED : Verdict.INCONCLUSIVE;
	}

	/** The verdict on a target. */
	public enum Verdict {

		/** Every round meets the target. */
		MET,

		/** The spread crosses the target: not met, not missed either. */
		INCONCLUSIVE,

		/** No round meets the target. */
		MISSED;

		/**
		 * Returns the verdict of a yes-or-no target.
		 * @param met whether it is met
		 * @return {@link #MET} or {@link #MISSED}
		 */
		public static Verdict of(boolean met) {
			return met ? MET : MISSED;
		}

		/**
		 * Returns the worse of two verdicts.
		 * @param other the other verdict
		 * @return the worse one
		 */
		public Verdict and(Verdict other) {
			return (other.ordinal() > ordinal()) ? other : this;
		}

	}

}
