package ai.together.sandbox.internal.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.retry.RetryDecision;
import ai.together.sandbox.retry.RetryListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The one retry engine of the client (PROTOCOL.md §4.3): runs an attempt up to
 * {@code maxAttempts} times, asks {@code shouldRetry} (or the default rule) after each failure
 * but the last, calls {@code onRetry}, sleeps, and finally re-throws the last error: unchanged,
 * except that an {@link HttpException} after more than one attempt becomes a copy whose message
 * ends with {@code ; failed after <n> attempts} ({@link ErrorMapper#afterAttempts}); the
 * {@link RetryListener#onComplete onComplete} listeners see that same object.
 * Used by every non-streaming call, in both the blocking and the reactive style.
 */
public final class RetryEngine {

	/** Sleeps for a delay without blocking a thread. */
	@FunctionalInterface
	public interface Sleeper {

		/**
		 * Completes after the delay.
		 * @param delay the delay
		 * @return a Mono completing after the delay
		 */
		Mono<Void> sleep(Duration delay);

	}

	private static final Log logger = LogFactory.getLog(RetryEngine.class);

	private static final Sleeper REAL_SLEEPER = (delay) -> delay.isZero() ? Mono.empty()
			: Mono.delay(delay, Schedulers.parallel()).then();

	private final RetryConfig config;

	private final Sleeper sleeper;

	private final DoubleSupplier random;

	private final List<RetryListener> listeners;

	/**
	 * Creates an engine that really sleeps and draws jitter at random.
	 * @param config the retry configuration
	 */
	public RetryEngine(RetryConfig config) {
		this(config, REAL_SLEEPER, () -> ThreadLocalRandom.current().nextDouble(), List.of());
	}

	/**
	 * Creates an engine.
	 * @param config the retry configuration
	 * @param sleeper how to wait between attempts
	 * @param random source of uniform numbers in {@code [0, 1)} for the jitter
	 * @param listeners observers of retries
	 */
	public RetryEngine(RetryConfig config, Sleeper sleeper, DoubleSupplier random, List<RetryListener> listeners) {
		this.config = Objects.requireNonNull(config, "config");
		this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
		this.random = Objects.requireNonNull(random, "random");
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Returns the configuration this engine applies.
	 * @return the configuration
	 */
	public RetryConfig config() {
		return this.config;
	}

	/**
	 * Returns an engine with the same sleeper, random source and listeners but another
	 * configuration.
	 * @param config the configuration
	 * @return the engine
	 */
	public RetryEngine withConfig(RetryConfig config) {
		return new RetryEngine(config, this.sleeper, this.random, this.listeners);
	}

	/**
	 * Returns an engine with one more listener.
	 * @param listener the listener
	 * @return the engine
	 */
	public RetryEngine withListener(RetryListener listener) {
		return withListeners(List.of(listener));
	}

	/**
	 * Returns an engine with more listeners.
	 * @param more the listeners to add
	 * @return the engine
	 */
	public RetryEngine withListeners(List<RetryListener> more) {
		List<RetryListener> all = new ArrayList<>(this.listeners);
		all.addAll(more);
		return new RetryEngine(this.config, this.sleeper, this.random, all);
	}

	/**
	 * Runs an HTTP call with the configured rules: the default decision retries transport
	 * failures and the configured statuses.
	 * @param <T> the result type
	 * @param operation the operation name
	 * @param attempt subscribes once per attempt
	 * @return the result of the first successful attempt, or the last error
	 */
	public <T> Mono<T> execute(String operation, Supplier<Mono<T>> attempt) {
		return execute(operation, attempt, (error) -> this.config.isRetryableByDefault(operation, statusOf(error)));
	}

	/**
	 * Runs a call with the configured rules and a specific default decision (used when no
	 * {@code shouldRetry} callback is configured).
	 * @param <T> the result type
	 * @param operation the operation name
	 * @param attempt subscribes once per attempt
	 * @param retryableByDefault the default decision
	 * @return the result of the first successful attempt, or the last error
	 */
	public <T> Mono<T> execute(String operation, Supplier<Mono<T>> attempt, Predicate<Throwable> retryableByDefault) {
		Objects.requireNonNull(operation, "operation");
		return Mono.defer(() -> {
			Call<T> call = new Call<>(operation, attempt, retryableByDefault);
			Mono<T> result = call.run(1);
			if (this.listeners.isEmpty()) {
				return result;
			}
			return result.doOnSuccess((value) -> complete(operation, call.attempts, null))
				.doOnError((error) -> complete(operation, call.attempts, error));
		});
	}

	/** The state of one call across its attempts. */
	private final class Call<T> {

		private final String operation;

		private final Supplier<Mono<T>> attempt;

		private final Predicate<Throwable> retryableByDefault;

		private volatile int attempts;

		Call(String operation, Supplier<Mono<T>> attempt, Predicate<Throwable> retryableByDefault) {
			this.operation = operation;
			this.attempt = attempt;
			this.retryableByDefault = retryableByDefault;
		}

		Mono<T> run(int number) {
			return Mono.defer(() -> {
				this.attempts = number;
				return this.attempt.get();
			}).onErrorResume((error) -> onFailure(number, error));
		}

		private Mono<T> onFailure(int number, Throwable error) {
			if (number >= RetryEngine.this.config.maxAttempts()) {
				return Mono.error(last(number, error));
			}
			RetryContext context = new RetryContext(this.operation, number, error, statusOf(error),
					defaultDelay(number, error));
			return decide(context, this.retryableByDefault).flatMap((decision) -> {
				if (!decision.isRetry()) {
					return Mono.<T>error(last(number, error));
				}
				RetryContext retry = (decision.delay() != null) ? context.withDelay(decision.delay()) : context;
				// The sleep is deferred: a sleeper may act when called (not only when subscribed to),
				// and it must not start before onRetry has completed, nor at all when onRetry fails.
				return callback(RetryEngine.this.config.onRetry(), retry)
					.then(Mono.fromRunnable(() -> notifyRetry(retry)))
					.then(Mono.defer(() -> RetryEngine.this.sleeper.sleep(retry.delay())))
					.then(run(number + 1));
			});
		}

	}

	/** The error a call ends with after {@code attempts} attempts. */
	private static Throwable last(int attempts, Throwable error) {
		// Only our own class is copied: a subclass would lose its type (and its extra state).
		return (error.getClass() == HttpException.class) ? ErrorMapper.afterAttempts((HttpException) error, attempts)
				: error;
	}

	private Mono<RetryDecision> decide(RetryContext context, Predicate<Throwable> retryableByDefault) {
		Function<RetryContext, CompletionStage<RetryDecision>> shouldRetry = this.config.shouldRetry();
		if (shouldRetry == null) {
			return Mono.just(RetryDecision.of(retryableByDefault.test(context.error())));
		}
		return Mono.defer(() -> Mono.fromCompletionStage(shouldRetry.apply(context)))
			.switchIfEmpty(Mono.error(() -> new IllegalStateException(
					"shouldRetry returned no decision for " + context.operation())));
	}

	private static Mono<Void> callback(@Nullable Function<RetryContext, ? extends CompletionStage<?>> callback,
			RetryContext context) {
		if (callback == null) {
			return Mono.empty();
		}
		return Mono.defer(() -> Mono.fromCompletionStage(callback.apply(context))).then();
	}

	/**
	 * The default delay after failed attempt {@code number}: exponential backoff plus jitter, at
	 * least the server's {@code Retry-After}, at most {@code maxDelay}.
	 * @param number the 1-based number of the failed attempt
	 * @param error the failure
	 * @return the delay
	 */
	Duration defaultDelay(int number, Throwable error) {
		double backoffNanos = this.config.initialDelay().toNanos() * Math.pow(this.config.multiplier(), number - 1);
		double jitterNanos = this.random.getAsDouble() * this.config.jitter().toNanos();
		Duration delay = Duration.ofNanos((long) Math.min(backoffNanos + jitterNanos, Long.MAX_VALUE));
		// Compare Durations rather than nanoseconds: a server's Retry-After (or a maxDelay) can be
		// longer than Duration.toNanos() can represent, which would throw ArithmeticException.
		if (error instanceof HttpException http && http.retryAfter() != null
				&& http.retryAfter().compareTo(delay) > 0) {
			delay = http.retryAfter();
		}
		return (delay.compareTo(this.config.maxDelay()) > 0) ? this.config.maxDelay() : delay;
	}

	private void notifyRetry(RetryContext context) {
		for (RetryListener listener : this.listeners) {
			try {
				listener.onRetry(context);
			}
			catch (RuntimeException ex) {
				// A listener observes; a broken metrics hook must not fail the call it observes.
				logger.warn("RetryListener " + listener + " failed in onRetry for " + context.operation(), ex);
			}
		}
	}

	private void complete(String operation, int attempts, @Nullable Throwable error) {
		for (RetryListener listener : this.listeners) {
			try {
				listener.onComplete(operation, attempts, error);
			}
			catch (RuntimeException ex) {
				logger.warn("RetryListener " + listener + " failed in onComplete for " + operation, ex);
			}
		}
	}

	/**
	 * Returns the HTTP status of a failure, or {@code null} when it is not an HTTP failure.
	 * @param error the failure
	 * @return the status, or {@code null}
	 */
	public static @Nullable Integer statusOf(Throwable error) {
		return (error instanceof HttpException http) ? http.status() : null;
	}

}
