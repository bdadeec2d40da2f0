package ai.together.sandbox.sample.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ai.together.sandbox.RunningSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.SandboxDirectories;
import ai.together.sandbox.SandboxExecs;
import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.SandboxPorts;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties.ApiGeneration;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.ports.PortInfo;
import ai.together.sandbox.sample.SampleProperties;
import ai.together.sandbox.sample.SandboxSpecs;
import ai.together.sandbox.sample.SnapshotRegistration;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * The demo job, written against the blocking {@link TogetherSandbox} as a batch job or a Spring
 * MVC application would use it: it creates and starts a sandbox, writes a small project into it,
 * runs a command whose output is printed live as it streams, reads the result file back, lists
 * the working directory and the open ports, and shuts the sandbox down, always (also when a step
 * fails, or when the application is stopped meanwhile). Call {@link #run()} off any Reactor event
 * loop.
 * <p>
 * On the {@linkplain ApiGeneration#CURRENT current API generation}
 * ({@code together.sandbox.api-generation=current}) it goes through {@code sdk.current()}: the
 * sandbox is created running (no start step) and terminated at the end instead of shut down; the
 * work in between is the same code, on the same files, directories, execs and ports.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class DemoJob implements SmartLifecycle {

	private final TogetherSandbox sdk;

	private final ObjectProvider<CreateSandboxRequest.Builder> requestBuilder;

	private final SnapshotRegistration snapshots;

	private final SampleProperties properties;

	private final DemoProject project;

	private final PrintStream out;

	private final ApiGeneration generation;

	private final Object monitor = new Object();

	private @Nullable StreamResponse<ExecOutput> activeOutput;

	private @Nullable CountDownLatch activeRun;

	private volatile boolean running;

	private volatile boolean stopping;

	/**
	 * Creates the job on the seed API generation.
	 * @param sdk the blocking client
	 * @param requestBuilder the starter's builder of sandbox requests
	 * ({@code together.sandbox.defaults.*})
	 * @param snapshots registers the snapshot when needed
	 * @param properties the sample's settings
	 * @param project what to write and run
	 * @param out where progress is printed
	 */
	public DemoJob(TogetherSandbox sdk, ObjectProvider<CreateSandboxRequest.Builder> requestBuilder,
			SnapshotRegistration snapshots, SampleProperties properties, DemoProject project, PrintStream out) {
		this(sdk, requestBuilder, snapshots, properties, project, out, ApiGeneration.SEED);
	}

	/**
	 * Creates the job.
	 * @param sdk the blocking client
	 * @param requestBuilder the starter's builder of sandbox requests
	 * ({@code together.sandbox.defaults.*})
	 * @param snapshots registers the snapshot when needed
	 * @param properties the sample's settings
	 * @param project what to write and run
	 * @param out where progress is printed
	 * @param generation the API generation whose entry point creates and ends the sandbox
	 */
	public DemoJob(TogetherSandbox sdk, ObjectProvider<CreateSandboxRequest.Builder> requestBuilder,
			SnapshotRegistration snapshots, SampleProperties properties, DemoProject project, PrintStream out,
			ApiGeneration generation) {
		this.generation = Objects.requireNonNull(generation, "generation");
		this.sdk = Objects.requireNonNull(sdk, "sdk");
		this.requestBuilder = Objects.requireNonNull(requestBuilder, "requestBuilder");
		this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
		this.properties = Objects.requireNonNull(properties, "properties");
		this.project = Objects.requireNonNull(project, "project");
		this.out = Objects.requireNonNull(out, "out");
	}

	/**
	 * Runs the demo once. Failures do not escape: they are in the report, and the sandbox is shut
	 * down whatever happened.
	 * @return what happened
	 */
	public DemoReport run() {
		CountDownLatch done = new CountDownLatch(1);
		synchronized (this.monitor) {
			if (this.stopping) {
				throw new IllegalStateException("The application is stopping");
			}
			this.activeRun = done;
		}
		try {
			return new Execution().run();
		}
		finally {
			synchronized (this.monitor) {
				this.activeRun = null;
			}
			done.countDown();
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Stops the job with the application: ends the command's output stream (the job then skips
	 * to the shutdown of its sandbox) and waits, up to {@code sample.shutdown-timeout}, until the
	 * sandbox is shut down. Runs before the client's connections are released.
	 */
	@Override
	public void stop() {
		CountDownLatch pending;
		synchronized (this.monitor) {
			this.stopping = true;
			pending = this.activeRun;
			if (this.activeOutput != null) {
				this.activeOutput.close();
			}
		}
		this.running = false;
		if (pending == null) {
			return;
		}
		try {
			if (!pending.await(this.properties.getShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				this.out.println("[demo] the sandbox did not shut down within " + this.properties.getShutdownTimeout());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void print(String message) {
		this.out.println("[demo] " + message);
	}

	/** One run of the job, with its state. */
	private final class Execution {

		private final long startNanos = System.nanoTime();

		private final Map<String, Duration> timings = new LinkedHashMap<>();

		private final String workdir = DemoJob.this.properties.getWorkdir().replaceAll("/+$", "");

		private @Nullable String sandboxId;

		private @Nullable String finalStatus;

		private @Nullable Integer exitCode;

		private final StringBuilder stdout = new StringBuilder();

		private final StringBuilder stderr = new StringBuilder();

		private int outputMessages;

		private @Nullable String result;

		private List<String> files = List.of();

		private List<Integer> ports = List.of();

		DemoReport run() {
			Throwable failure = null;
			if (DemoJob.this.generation == ApiGeneration.CURRENT) {
				failure = runOnCurrentGeneration();
			}
			else {
				Sandbox sandbox = null;
				try {
					snapshot();
					SandboxInfo created = timed("create", () -> DemoJob.this.sdk.sandboxes()
						.create(DemoJob.this.requestBuilder.getObject().build()));
					this.sandboxId = created.id();
					print("sandbox " + created.id() + " created at " + DemoJob.this.sdk.baseUrl() + ", starting it");
					sandbox = timed("start", () -> DemoJob.this.sdk.sandboxes().start(created.id()));
					print("sandbox " + sandbox.id() + " is " + sandbox.vmInfo().status().value());
					work(new Agent(sandbox.files(), sandbox.directories(), sandbox.execs(), sandbox.ports()));
				}
				catch (RuntimeException ex) {
					failure = ex;
					print("FAILED: " + ex);
				}
				finally {
					failure = shutDown(sandbox, failure);
				}
			}
			return new DemoReport(DemoJob.this.sdk.baseUrl(), this.sandboxId, this.finalStatus, this.exitCode,
					this.stdout.toString(), this.stderr.toString(), this.outputMessages, this.result, this.files,
					this.ports, this.timings, Duration.ofNanos(System.nanoTime() - this.startNanos), failure);
		}

		private void snapshot() {
			SnapshotRegistration.Snapshot snapshot = timed("snapshot",
					() -> Objects.requireNonNull(DemoJob.this.snapshots.ensureAvailable().block()));
			print("snapshot " + snapshot.alias() + ((snapshot.registeredFrom() != null)
					? " registered from the image " + snapshot.registeredFrom() : " found"));
		}

		/**
		 * The same steps through {@code sdk.current()}: created running, terminated at the end.
		 */
		private @Nullable Throwable runOnCurrentGeneration() {
			Throwable failure = null;
			RunningSandbox sandbox = null;
			try {
				snapshot();
				SandboxSpec spec = SandboxSpecs.current(DemoJob.this.requestBuilder.getObject().build());
				RunningSandbox created = timed("create", () -> DemoJob.this.sdk.current().sandboxes().create(spec));
				sandbox = created;
				this.sandboxId = created.id();
				print("sandbox " + created.id() + " created at " + DemoJob.this.sdk.baseUrl() + " (current API"
						+ " generation): " + created.details().status().value());
				work(new Agent(created.files(), created.directories(), created.execs(), created.ports()));
			}
			catch (RuntimeException ex) {
				failure = ex;
				print("FAILED: " + ex);
			}
			finally {
				failure = terminate(sandbox, failure);
			}
			return failure;
		}

		private @Nullable Throwable terminate(@Nullable RunningSandbox sandbox, @Nullable Throwable failure) {
			if (sandbox == null) {
				// create() returns once the sandbox runs; without it there is nothing to end.
				return failure;
			}
			try {
				SandboxDetails terminated = timed("terminate", sandbox::terminate);
				this.finalStatus = terminated.status().value();
				print("sandbox " + sandbox.id() + " terminated: " + this.finalStatus);
				return failure;
			}
			catch (RuntimeException ex) {
				print("could not terminate sandbox " + sandbox.id() + ": " + ex);
				if (failure == null) {
					return ex;
				}
				failure.addSuppressed(ex);
				return failure;
			}
			finally {
				sandbox.close();
			}
		}

		private void work(Agent sandbox) {
			timed("write", () -> {
				DemoJob.this.project.files().forEach((name, content) -> sandbox.files().create(path(name), content));
				return null;
			});
			print("wrote " + String.join(", ", DemoJob.this.project.files().keySet().stream().map(this::path).toList()));
			timed("run", () -> {
				execute(sandbox);
				return null;
			});
			print("exit code " + this.exitCode);
			if (!Integer.valueOf(0).equals(this.exitCode)) {
				throw new TogetherSandboxException("The command exited with " + this.exitCode);
			}
			String resultPath = path(DemoJob.this.project.resultFile());
			this.result = timed("read", () -> sandbox.files().read(resultPath));
			print(resultPath + ": " + this.result.strip().replace('\n', ' '));
			timed("list", () -> {
				this.files = sandbox.directories()
					.list(this.workdir)
					.stream()
					.sorted(Comparator.comparing(FileInfo::name))
					.map((file) -> file.name() + (file.isDir() ? "/" : " (" + file.size() + " B)"))
					.toList();
				this.ports = sandbox.ports().list().stream().map(PortInfo::port).sorted().toList();
				return null;
			});
			print("files in " + this.workdir + ": " + String.join(", ", this.files));
			print("open ports: " + (this.ports.isEmpty() ? "none" : this.ports));
		}

		private void execute(Agent sandbox) {
			ExecRequest request = ExecRequest.builder(DemoJob.this.project.command())
				.args(DemoJob.this.project.args())
				.cwd(this.workdir)
				.build();
			print("$ " + request.command() + " " + String.join(" ", request.args()) + "   (in " + this.workdir + ")");
			long execStart = System.nanoTime();
			ExecItem exec = sandbox.execs().create(request);
			LinePrinter printer = new LinePrinter(execStart);
			try (StreamResponse<ExecOutput> output = sandbox.execs().streamOutput(exec.id())) {
				synchronized (DemoJob.this.monitor) {
					if (DemoJob.this.stopping) {
						throw new TogetherSandboxException("The application is stopping");
					}
					DemoJob.this.activeOutput = output;
				}
				try {
					for (ExecOutput message : output) {
						this.outputMessages++;
						boolean isError = ExecOutputType.STDERR.equals(message.type());
						(isError ? this.stderr : this.stdout).append(message.output());
						printer.print(message.output(), isError);
						if (message.isExit()) {
							this.exitCode = message.exitCode();
						}
					}
				}
				finally {
					synchronized (DemoJob.this.monitor) {
						DemoJob.this.activeOutput = null;
					}
				}
			}
			printer.flush();
			if (this.exitCode == null) {
				throw new TogetherSandboxException(DemoJob.this.stopping ? "The application is stopping"
						: "The output stream ended before the command exited");
			}
		}

		private @Nullable Throwable shutDown(@Nullable Sandbox sandbox, @Nullable Throwable failure) {
			if (this.sandboxId == null) {
				return failure;
			}
			String id = this.sandboxId;
			try {
				// A sandbox whose start failed may still be starting: shut it down by id.
				SandboxInfo stopped = timed("shutdown",
						() -> (sandbox != null) ? sandbox.shutdown() : DemoJob.this.sdk.sandboxes().shutdown(id));
				this.finalStatus = stopped.status().value();
				print("sandbox " + id + " shut down: " + this.finalStatus);
				return failure;
			}
			catch (RuntimeException ex) {
				print("could not shut sandbox " + id + " down: " + ex);
				if (failure == null) {
					return ex;
				}
				failure.addSuppressed(ex);
				return failure;
			}
			finally {
				if (sandbox != null) {
					sandbox.close();
				}
			}
		}

		private String path(String name) {
			return this.workdir + "/" + name;
		}

		private <T> T timed(String step, Supplier<T> action) {
			long start = System.nanoTime();
			try {
				return action.get();
			}
			finally {
				this.timings.put(step, Duration.ofNanos(System.nanoTime() - start));
			}
		}

	}

	/** What the work needs of a sandbox, whichever generation created it. */
	private record Agent(SandboxFiles files, SandboxDirectories directories, SandboxExecs execs, SandboxPorts ports) {
	}

	/** Prints command output line by line as it arrives, with the time since the command started. */
	private final class LinePrinter {

		private final long startNanos;

		private final StringBuilder pendingOut = new StringBuilder();

		private final StringBuilder pendingErr = new StringBuilder();

		LinePrinter(long startNanos) {
			this.startNanos = startNanos;
		}

		void print(String text, boolean isError) {
			StringBuilder pending = isError ? this.pendingErr : this.pendingOut;
			pending.append(text);
			int newline;
			while ((newline = pending.indexOf("\n")) >= 0) {
				emit(pending.substring(0, newline), isError);
				pending.delete(0, newline + 1);
			}
		}

		void flush() {
			if (!this.pendingOut.isEmpty()) {
				emit(this.pendingOut.toString(), false);
			}
			if (!this.pendingErr.isEmpty()) {
				emit(this.pendingErr.toString(), true);
			}
		}

		private void emit(String line, boolean isError) {
			double seconds = (System.nanoTime() - this.startNanos) / 1e9;
			DemoJob.this.out.printf(Locale.ROOT, "  %s %5.2fs | %s%n", isError ? "err" : "out", seconds, line);
			DemoJob.this.out.flush();
		}

	}

}
