package ai.together.sandbox.sample.runs;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The state of one run: its status, output and events. Updated by the run's pipeline, read by
 * HTTP requests; every method is thread-safe. Events are replayed to late subscribers, so
 * {@code GET /runs/{id}/events} shows the whole run whenever it connects.
 *
 * @author together-sandbox-java
 */
final class Run {

	private final String id;

	private final int maxOutputChars;

	private final long submittedNanos = System.nanoTime();

	private final Sinks.Many<ServerSentEvent<Object>> events = Sinks.many().replay().all();

	private final Sinks.One<RunView> completion = Sinks.one();

	private final CompletableFuture<Void> released = new CompletableFuture<>();

	private final StringBuilder stdout = new StringBuilder();

	private final StringBuilder stderr = new StringBuilder();

	private RunStatus status = RunStatus.CREATING;

	private @Nullable String sandboxId;

	private @Nullable String sandboxStatus;

	private @Nullable Integer exitCode;

	private @Nullable String error;

	private boolean outputTruncated;

	private long endNanos;

	private @Nullable Disposable subscription;

	Run(String id, int maxOutputChars) {
		this.id = id;
		this.maxOutputChars = maxOutputChars;
		emit(RunEvents.STATUS, new RunEvents.Status(this.status, null, null));
	}

	String id() {
		return this.id;
	}

	synchronized boolean isFinal() {
		return this.status.isFinal();
	}

	synchronized @Nullable String sandboxId() {
		return this.sandboxId;
	}

	/** Moves to a new status and announces it; a final status ends the events. */
	synchronized void moveTo(RunStatus next) {
		if (this.status.isFinal() || this.status == next) {
			return;
		}
		this.status = next;
		emit(RunEvents.STATUS, new RunEvents.Status(next, this.sandboxId, this.error));
		if (next.isFinal()) {
			this.endNanos = System.nanoTime();
			this.events.tryEmitComplete();
			this.completion.tryEmitValue(view());
		}
	}

	synchronized void sandboxCreated(String id) {
		this.sandboxId = id;
	}

	synchronized void sandboxStopped(String finalStatus) {
		this.sandboxStatus = finalStatus;
	}

	synchronized void output(ExecOutput message) {
		if (message.isExit()) {
			this.exitCode = message.exitCode();
			emit(RunEvents.EXIT, new RunEvents.Exit(message.exitCode()));
			return;
		}
		int room = this.maxOutputChars - this.stdout.length() - this.stderr.length();
		if (room <= 0) {
			this.outputTruncated = true;
			return;
		}
		String text = message.output();
		if (text.length() > room) {
			text = text.substring(0, room);
			this.outputTruncated = true;
		}
		boolean isError = ExecOutputType.STDERR.equals(message.type());
		(isError ? this.stderr : this.stdout).append(text);
		emit(RunEvents.OUTPUT, new RunEvents.Output(message.type().value(), text, message.sequence()));
	}

	/** Records why the run failed and ends it. */
	synchronized void fail(Throwable failure, Duration timeout) {
		this.error = (failure instanceof TimeoutException) ? "The run took longer than " + timeout
				: String.valueOf(failure.getMessage());
		moveTo(RunStatus.FAILED);
	}

	/** Keeps the subscription of the run's pipeline, to cancel it. */
	void attach(Disposable pipeline) {
		boolean cancelled;
		synchronized (this) {
			cancelled = this.status == RunStatus.CANCELLED;
			this.subscription = pipeline;
		}
		if (cancelled) {
			pipeline.dispose();
		}
	}

	/**
	 * Cancels the run: its pipeline is disposed, which shuts its sandbox down (see
	 * {@link #whenReleased()}).
	 */
	void cancel() {
		Disposable pipeline;
		synchronized (this) {
			if (this.status.isFinal()) {
				return;
			}
			this.error = "The application stopped during the run";
			moveTo(RunStatus.CANCELLED);
			pipeline = this.subscription;
		}
		if (pipeline != null) {
			pipeline.dispose();
		}
	}

	/** Called once the run holds no sandbox any more: it was shut down, or never created. */
	void released() {
		this.released.complete(null);
	}

	/**
	 * Completes once the run's sandbox has been shut down (or was never created).
	 * @return the future
	 */
	CompletableFuture<Void> whenReleased() {
		return this.released;
	}

	Flux<ServerSentEvent<Object>> events() {
		return this.events.asFlux();
	}

	Mono<RunView> completion() {
		return this.completion.asMono();
	}

	synchronized RunView view() {
		long end = this.status.isFinal() ? this.endNanos : System.nanoTime();
		return new RunView(this.id, this.status, this.sandboxId, this.sandboxStatus, this.exitCode,
				this.stdout.toString(), this.stderr.toString(), this.outputTruncated,
				Duration.ofNanos(end - this.submittedNanos).toMillis(), this.error);
	}

	private void emit(String name, Object data) {
		this.events.tryEmitNext(ServerSentEvent.builder(data).event(name).build());
	}

}
