package ai.together.sandbox.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one suite run, printed as Markdown: one table of figures per scenario and one
 * table of targets (met, inconclusive or missed, with the measured values that decide and the
 * load average when the verdict was taken). Only "met" counts as met: the suite's exit status is
 * non-zero when any target is inconclusive or missed.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Report {

	private final List<Section> sections = new ArrayList<>();

	private final List<String[]> targets = new ArrayList<>();

	private final List<String> header = new ArrayList<>();

	private final List<Figure.Verdict> verdicts = new ArrayList<>();

	/**
	 * Adds a line to the header (machine, JDK, command).
	 * @param line the line
	 */
	public synchronized void header(String line) {
		this.header.add(line);
	}

	/**
	 * Starts a section of figures.
	 * @param title the title
	 * @return the section
	 */
	public synchronized Section section(String title) {
		Section section = new Section(title);
		this.sections.add(section);
		return section;
	}

	/**
	 * Records a yes-or-no target.
	 * @param id the target number and name, for example {@code 2 concurrency: errors}
	 * @param goal what is required, for example {@code 0}
	 * @param measured what was measured
	 * @param met whether the target is met
	 */
	public void target(String id, String goal, String measured, boolean met) {
		target(id, goal, measured, Figure.Verdict.of(met));
	}

	/**
	 * Records a target.
	 * @param id the target number and name, for example {@code 1 per-call (blocking vs WebClient)}
	 * @param goal what is required, for example {@code ratio ≤ 1.05}
	 * @param measured what was measured, with its spread over the rounds
	 * @param verdict the verdict
	 */
	public synchronized void target(String id, String goal, String measured, Figure.Verdict verdict) {
		String shown = switch (verdict) {
			case MET -> "met";
			case INCONCLUSIVE -> "**inconclusive**";
			case MISSED -> "**missed**";
		};
		String load = Machine.loadAverage();
		this.targets.add(new String[] { id, goal, measured, load, shown });
		this.verdicts.add(verdict);
		System.out.printf("[target] %s: %s, measured %s (load %s) -> %s%n", id, goal, measured, load,
				verdict.name().toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * Returns whether every recorded target is met (an inconclusive one is not).
	 * @return {@code true} when every target is met
	 */
	public synchronized boolean allTargetsMet() {
		return this.verdicts.stream().allMatch((verdict) -> verdict == Figure.Verdict.MET);
	}

	/**
	 * Renders the report.
	 * @return Markdown
	 */
	public synchronized String markdown() {
		StringBuilder out = new StringBuilder();
		for (String line : this.header) {
			out.append(line).append('\n');
		}
		for (Section section : this.sections) {
			out.append("\n### ").append(section.title).append("\n\n| Figure | Value |\n|---|---|\n");
			for (String[] row : section.rows) {
				out.append("| ").append(row[0]).append(" | ").append(row[1]).append(" |\n");
			}
		}
		out.append("\n### Targets\n\nA target is met only when every round meets it; when the spread over the rounds "
				+ "crosses it, it is inconclusive (not met).\n\n"
				+ "| Target | Goal | Measured | Load average (1/5/15 min) | Verdict |\n|---|---|---|---|---|\n");
		for (String[] row : this.targets) {
			out.append("| ").append(String.join(" | ", row)).append(" |\n");
		}
		return out.toString();
	}

	/**
	 * The figures of one scenario.
	 */
	public static final class Section {

		private final String title;

		private final List<String[]> rows = new ArrayList<>();

		private final long started = System.nanoTime();

		private Section(String title) {
			this.title = title;
		}

		/**
		 * Adds the wall time since the section started and the load average now.
		 */
		public void finish() {
			row("scenario wall time; load average (1/5/15 min) at its end",
					String.format("%.1f s; %s", (System.nanoTime() - this.started) / 1e9, Machine.loadAverage()));
		}

		/**
		 * Adds a figure (also printed at once, so a long run shows progress).
		 * @param name what it is
		 * @param value its value with unit
		 * @return this section
		 */
		public synchronized Section row(String name, String value) {
			this.rows.add(new String[] { name, value });
			System.out.printf("[%s] %s: %s%n", this.title, name, value);
			return this;
		}

	}

}
