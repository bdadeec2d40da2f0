package ai.together.sandbox.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one suite run, printed as Markdown: one table of figures per scenario and one
 * table of targets (met or missed, with the measured values that decide).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Report {

	private final List<Section> sections = new ArrayList<>();

	private final List<String[]> targets = new ArrayList<>();

	private final List<String> header = new ArrayList<>();

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
	 * Records a target.
	 * @param id the target number and name, for example {@code 1 per-call (blocking vs WebClient)}
	 * @param goal what is required, for example {@code ratio ≤ 1.15}
	 * @param measured what was measured
	 * @param met whether the target is met
	 */
	public synchronized void target(String id, String goal, String measured, boolean met) {
		this.targets.add(new String[] { id, goal, measured, met ? "met" : "**missed**" });
		System.out.printf("[target] %s: %s, measured %s -> %s%n", id, goal, measured, met ? "met" : "MISSED");
	}

	/**
	 * Returns whether every recorded target is met.
	 * @return {@code true} when none was missed
	 */
	public synchronized boolean allTargetsMet() {
		return this.targets.stream().allMatch((row) -> row[3].equals("met"));
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
		out.append("\n### Targets\n\n| Target | Goal | Measured | Verdict |\n|---|---|---|---|\n");
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
