package ai.together.sandbox.sample;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the sample application, under {@code sample.*}. The client itself is configured
 * under {@code together.sandbox.*} (the starter's properties), including the snapshot alias of new
 * sandboxes ({@code together.sandbox.defaults.snapshot-alias}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Directory inside each sandbox where files are written and commands run.
	 */
	private String workdir = "/workspace";

	/**
	 * How long to wait, when the application stops, for the sandboxes it started to shut down.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private final Snapshot snapshot = new Snapshot();

	private final Demo demo = new Demo();

	private final Runs runs = new Runs();

	public String getWorkdir() {
		return this.workdir;
	}

	public void setWorkdir(String workdir) {
		this.workdir = workdir;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	public Demo getDemo() {
		return this.demo;
	}

	public Runs getRuns() {
		return this.runs;
	}

	/**
	 * The snapshot new sandboxes are created from.
	 */
	public static class Snapshot {

		/**
		 * Public Docker image to register under the configured snapshot alias when that alias
		 * does not exist yet. Unset: the alias must exist.
		 */
		private @Nullable String image;

		public @Nullable String getImage() {
			return this.image;
		}

		public void setImage(@Nullable String image) {
			this.image = image;
		}

	}

	/**
	 * The demo job.
	 */
	public static class Demo {

		/**
		 * Whether to run the demo job at startup, print its summary and exit.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Runs started through the HTTP API.
	 */
	public static class Runs {

		/**
		 * Longest time a run may take, sandbox start included; it is then cancelled and its
		 * sandbox shut down.
		 */
		private Duration timeout = Duration.ofMinutes(2);

		/**
		 * Output kept per run (standard output and error together); the rest is dropped.
		 */
		private DataSize maxOutput = DataSize.ofMegabytes(1);

		/**
		 * Number of finished runs kept for GET /runs/{id} and their event streams.
		 */
		private int history = 100;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public DataSize getMaxOutput() {
			return this.maxOutput;
		}

		public void setMaxOutput(DataSize maxOutput) {
			this.maxOutput = maxOutput;
		}

		public int getHistory() {
			return this.history;
		}

		public void setHistory(int history) {
			this.history = history;
		}

	}

}
