package ai.together.sandbox.sample.runs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import ai.together.sandbox.ReactiveRunningSandbox;
import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveSandboxDirectories;
import ai.together.sandbox.ReactiveSandboxExecs;
import ai.together.sandbox.ReactiveSandboxFiles;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties.ApiGeneration;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.sample.SampleProperties;
import ai.together.sandbox.sample.SandboxSpecs;
import ai.together.sandbox.sample.SnapshotRegistration;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;

/**
 * Runs commands in fresh sandboxes with the reactive client: for each run it creates and starts
 * a sandbox, writes the files, runs the command while publishing its output as events, and shuts
 * the sandbox down whatever happens (success, failure, timeout or cancellation). A run does not
 * depend on the HTTP request that submitted it: a client that disconnects does not cancel it.
 * <p>
 * When the application stops, the runs still going are cancelled and their sandboxes shut down
 * before the client is released (this lifecycle stops first), waiting up to
 * {@code sample.shutdown-timeout}.
 * <p>
 * With {@code together.sandbox.api-generation=current} the runs go through
 * {@code client.current()}: each sandbox is created running and terminated at the end.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Service
public class SandboxRuns implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SandboxRuns.class);

	private final ReactiveTogetherSandbox client;

	private final ObjectProvider<CreateSandboxRequest.Builder> requestBuilder;

	private final SnapshotRegistration snapshots;

	private final SampleProperties properties;

	private final boolean current;

	/** Runs by id, oldest first. */
	private final Map<String, Run> runs = new LinkedHashMap<>();

	private volatile boolean running;

	/**
	 * Creates the service.
	 * @param client the reactive client
	 * @param requestBuilder the starter's builder of sandbox requests
	 * ({@code together.sandbox.defaults.*})
	 * @param snapshots registers the snapshot when needed
	 * @param properties the sample's settings
	 * @param starter the starter's settings, which name the API generation
	 */
	public SandboxRuns(ReactiveTogetherSandbox client, ObjectProvider<CreateSandboxRequest.Builder> requestBuilder,
			SnapshotRegistration snapshots, SampleProperties properties, ObjectProvider<TogetherSandboxProperties> starter) {
		TogetherSandboxProperties starterProperties = starter.getIfAvailable();
		this.current = starterProperties != null && starterProperties.getApiGeneration() == ApiGeneration.CURRENT;
		this.client = Objects.requireNonNull(client, "client");
		this.requestBuilder = Objects.requireNonNull(requestBuilder, "requestBuilder");
		this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
		this.properties = Objects.requireNonNull(properties, "properties");
	}

	/**
	 * Validates a request and starts running it; returns at once.
	 * @param request what to run
	 * @return the run's current state
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws IllegalStateException when the application is stopping
	 */
	public RunView submit(RunRequest request) {
		ExecRequest exec = execRequest(request);
		Map<String, String> files = files(request);
		Run run = register();
		Mono<Void> pipeline = (this.current
				? currentSandboxFor(run,
						(sandbox) -> runIn(sandbox.files(), sandbox.directories(), sandbox.execs(), run, files, exec))
				: sandboxFor(run,
						(sandbox) -> runIn(sandbox.files(), sandbox.directories(), sandbox.execs(), run, files, exec)))
			.timeout(this.properties.getRuns().getTimeout())
			.doFinally((signal) -> {
				if (run.sandboxId() == null) {
					// Ended before a sandbox existed: nothing to shut down.
					run.released();
				}
			});
		run.attach(pipeline.subscribe(null, (error) -> {
			logger.warn("Run " + run.id() + " failed: " + error);
			run.fail(error, this.properties.getRuns().getTimeout());
		}, () -> run.moveTo(RunStatus.FINISHED)));
		return run.view();
	}

	/**
	 * Returns a run's current state.
	 * @param id the run id
	 * @return the state, or empty for an unknown id
	 */
	public Optional<RunView> view(String id) {
		return find(id).map(Run::view);
	}

	/**
	 * Returns a run's final state once it has ended.
	 * @param id the run id
	 * @return the final state, or empty for an unknown id
	 */
	public Optional<Mono<RunView>> completion(String id) {
		return find(id).map(Run::completion);
	}

	/**
	 * Returns a run's events from its beginning: replayed, then live until the run ends.
	 * @param id the run id
	 * @return the events, or empty for an unknown id
	 */
	public Optional<Flux<ServerSentEvent<Object>>> events(String id) {
		return find(id).map(Run::events);
	}

	/**
	 * Creates a sandbox, starts it, hands it to {@code work}, and shuts it down after, on every
	 * outcome. A sandbox whose start is cancelled halfway is shut down by id.
	 */
	private Mono<Void> sandboxFor(Run run, Function<ReactiveSandbox, Mono<Void>> work) {
		return this.snapshots.ensureAvailable()
			.then(Mono.fromCallable(() -> this.requestBuilder.getObject().build()))
			.flatMap(this.client.sandboxes()::create)
			.flatMap((created) -> Mono.usingWhen(Mono.fromCallable(() -> {
				run.sandboxCreated(created.id());
				return created;
			}), (info) -> {
				run.moveTo(RunStatus.STARTING);
				return Mono.usingWhen(this.client.sandboxes().start(info.id()), work,
						// Releases the handle's streams; never stops the VM (the outer cleanup does).
						(sandbox) -> Mono.fromRunnable(sandbox::close));
			}, (info) -> shutDown(run, info), (info, error) -> shutDown(run, info), (info) -> shutDown(run, info)));
	}

	/**
	 * The same on the current generation: the sandbox is created running, handed to
	 * {@code work}, and terminated after, on every outcome.
	 */
	private Mono<Void> currentSandboxFor(Run run, Function<ReactiveRunningSandbox, Mono<Void>> work) {
		return this.snapshots.ensureAvailable()
			.then(Mono.fromCallable(() -> SandboxSpecs.current(this.requestBuilder.getObject().build())))
			.flatMap(this.client.current().sandboxes()::create)
			.flatMap((created) -> Mono.usingWhen(Mono.fromCallable(() -> {
				run.sandboxCreated(created.id());
				return created;
			}), work, (sandbox) -> terminate(run, sandbox), (sandbox, error) -> terminate(run, sandbox),
					(sandbox) -> terminate(run, sandbox)));
	}

	private Mono<Void> terminate(Run run, ReactiveRunningSandbox sandbox) {
		run.moveTo(RunStatus.STOPPING);
		return sandbox.terminate()
			.timeout(this.properties.getShutdownTimeout())
			.doOnNext((SandboxDetails terminated) -> run.sandboxStopped(terminated.status().value()))
			.onErrorResume((error) -> {
				logger.error("Could not terminate sandbox " + sandbox.id() + " of run " + run.id() + ": " + error);
				return Mono.empty();
			})
			.doFinally((signal) -> {
				sandbox.close();
				run.released();
			})
			.then();
	}

	private Mono<Void> runIn(ReactiveSandboxFiles sandboxFiles, ReactiveSandboxDirectories directories,
			ReactiveSandboxExecs execs, Run run, Map<String, String> files, ExecRequest exec) {
		run.moveTo(RunStatus.WRITING);
		String workdir = exec.cwd();
		Mono<Void> prepare = directories
			.create(Objects.requireNonNull(workdir))
			// The snapshot may already have the directory.
			.onErrorResume((error) -> error instanceof HttpException http && http.status() == 409,
					(exists) -> Mono.empty());
		Mono<Void> write = Flux.fromIterable(files.entrySet())
			.concatMap((file) -> sandboxFiles.create(file.getKey(), file.getValue()))
			.then();
		return prepare.then(write)
			.then(execs.create(exec))
			.flatMap((item) -> {
				run.moveTo(RunStatus.RUNNING);
				return execs.streamOutput(item.id())
					.doOnNext(run::output)
					.filter(ExecOutput::isExit)
					.next()
					.switchIfEmpty(Mono.error(() -> new TogetherSandboxException(
							"The output stream of exec " + item.id() + " ended before the command exited")));
			})
			.then();
	}

	private Mono<Void> shutDown(Run run, SandboxInfo sandbox) {
		run.moveTo(RunStatus.STOPPING);
		return this.client.sandboxes()
			.shutdown(sandbox.id())
			.timeout(this.properties.getShutdownTimeout())
			.doOnNext((stopped) -> run.sandboxStopped(stopped.status().value()))
			.onErrorResume((error) -> {
				logger.error("Could not shut sandbox " + sandbox.id() + " of run " + run.id() + " down: " + error);
				return Mono.empty();
			})
			.doFinally((signal) -> run.released())
			.then();
	}

	private ExecRequest execRequest(RunRequest request) {
		String command = request.command();
		if (command == null || command.isBlank()) {
			throw new IllegalArgumentException("command is required");
		}
		List<String> args = new ArrayList<>(request.args());
		for (int i = 0; i < args.size(); i++) {
			if (args.get(i) == null) {
				throw new IllegalArgumentException("args[" + i + "] must not be null");
			}
		}
		return ExecRequest.builder(command).args(args).cwd(workdir()).build();
	}

	private Map<String, String> files(RunRequest request) {
		Map<String, String> files = new LinkedHashMap<>();
		request.files().forEach((path, content) -> {
			if (path == null || path.isBlank() || path.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("files: a path must be non-empty, was '" + path + "'");
			}
			if (List.of(path.split("/")).contains("..")) {
				throw new IllegalArgumentException("files: a path must not contain '..', was '" + path + "'");
			}
			if (content == null) {
				throw new IllegalArgumentException("files['" + path + "'] must not be null");
			}
			files.put(path.startsWith("/") ? path : workdir() + "/" + path, content);
		});
		return files;
	}

	private String workdir() {
		return this.properties.getWorkdir().replaceAll("/+$", "");
	}

	private synchronized Run register() {
		if (!this.running) {
			throw new IllegalStateException("The application is not running");
		}
		Run run = new Run(UUID.randomUUID().toString(), (int) Math.min(Integer.MAX_VALUE,
				this.properties.getRuns().getMaxOutput().toBytes()));
		this.runs.put(run.id(), run);
		// Forget the oldest finished runs; runs still going are always kept.
		int excess = this.runs.size() - this.properties.getRuns().getHistory();
		for (Iterator<Run> it = this.runs.values().iterator(); excess > 0 && it.hasNext();) {
			if (it.next().isFinal()) {
				it.remove();
				excess--;
			}
		}
		return run;
	}

	private synchronized Optional<Run> find(String id) {
		return Optional.ofNullable(this.runs.get(id));
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Cancels the runs still going and waits until their sandboxes are shut down.
	 */
	@Override
	public void stop() {
		List<Run> active;
		synchronized (this) {
			this.running = false;
			active = this.runs.values().stream().filter((run) -> !run.isFinal()).toList();
		}
		if (active.isEmpty()) {
			return;
		}
		logger.info("Stopping: cancelling " + active.size() + " run(s) and shutting their sandboxes down");
		active.forEach(Run::cancel);
		Duration timeout = this.properties.getShutdownTimeout();
		try {
			CompletableFuture.allOf(active.stream().map(Run::whenReleased).toArray(CompletableFuture[]::new))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.error("Not every sandbox was shut down within " + timeout + ": " + ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
