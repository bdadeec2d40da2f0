package ai.together.sandbox.sample.demo;

import java.io.PrintStream;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;

/**
 * Runs the {@link DemoJob} once the application has started, prints its summary, and turns the
 * outcome into the process's exit code (0 on success, 1 otherwise).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class DemoRunner implements ApplicationRunner, ExitCodeGenerator {

	private final DemoJob job;

	private final PrintStream out;

	private volatile @Nullable DemoReport report;

	/**
	 * Creates the runner.
	 * @param job the job
	 * @param out where the summary is printed
	 */
	public DemoRunner(DemoJob job, PrintStream out) {
		this.job = Objects.requireNonNull(job, "job");
		this.out = Objects.requireNonNull(out, "out");
	}

	@Override
	public void run(ApplicationArguments args) {
		DemoReport result = this.job.run();
		this.report = result;
		this.out.println(result.summary());
		this.out.flush();
	}

	/**
	 * Returns the report of the demo, once it has run.
	 * @return the report, or {@code null} before the run
	 */
	public @Nullable DemoReport report() {
		return this.report;
	}

	/**
	 * Returns 0 when the demo succeeded, 1 when it failed or did not run.
	 * @return the exit code
	 */
	@Override
	public int getExitCode() {
		DemoReport result = this.report;
		return (result != null && result.succeeded()) ? 0 : 1;
	}

}
