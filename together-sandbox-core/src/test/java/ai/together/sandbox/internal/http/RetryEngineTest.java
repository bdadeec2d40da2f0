package ai.together.sandbox.internal.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.retry.RetryDecision;
import ai.together.sandbox.retry.RetryListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The retry loop on its own (PROTOCOL.md §4.6 {@code tests/test_with_retry.py}, lines 1–15, and
 * the Java additions: Retry-After, maxDelay, callback failures, cancellation, listeners). No test
 * really sleeps: delays are recorded by a {@link RecordingSleeper}.
 */
class RetryEngineTest {

	private static final String OP = "snapshots.pushDockerImage";

	private final RecordingSleeper sleeper = new RecordingSleeper();

	private final AtomicInteger calls = new AtomicInteger();

	// 1. Success on first attempt returns the value; function called once.
	@Test
	void successOnFirstAttemptReturnsValueAfterOneCall() {
		String result = engine(RetryConfig.defaults()).execute(OP, succeedAfter(0, "ok")).block();
		assertThat(result).isEqualTo("ok");
		assertThat(this.calls).hasValue(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	// 2. on_retry is not called when the first attempt succeeds.
	@Test
	void onRetryNotCalledWhenFirstAttemptSucceeds() {
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().onRetry(onRetry::add).build();
		engine(config).execute(OP, succeedAfter(0, "ok"), (error) -> true).block();
		assertThat(onRetry).isEmpty();
	}

	// 3. A thrown exception is retried and the later success value is returned (2 calls).
	@Test
	void thrownExceptionIsRetriedAndLaterSuccessReturned() {
		String result = engine(RetryConfig.defaults()).execute(OP, succeedAfter(1, "second"), (error) -> true).block();
		assertThat(result).isEqualTo("second");
		assertThat(this.calls).hasValue(2);
	}

	// 4. Three failures with defaults: the last exception object is re-raised; 3 calls.
	@Test
	void lastExceptionObjectIsRethrownAfterThreeFailures() {
		List<RuntimeException> thrown = new ArrayList<>();
		Supplier<Mono<String>> attempt = () -> Mono.fromCallable(() -> {
			RuntimeException ex = new IllegalStateException("failure " + this.calls.incrementAndGet());
			thrown.add(ex);
			throw ex;
		});
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute(OP, attempt, (error) -> true).block())
			.isSameAs(thrown.get(2))
			.hasMessage("failure 3");
		assertThat(this.calls).hasValue(3);
	}

	// 5. max_attempts=1: no retry; the first exception is raised; 1 call.
	@Test
	void maxAttemptsOneDoesNotRetry() {
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().maxAttempts(1).onRetry(onRetry::add).build();
		RuntimeException failure = new IllegalStateException("only");
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(failure), (error) -> true).block())
			.isSameAs(failure);
		assertThat(this.calls).hasValue(1);
		assertThat(onRetry).isEmpty();
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	// 6. With 3 attempts all failing, on_retry fires exactly twice (not for the final failure).
	@Test
	void onRetryFiresTwiceForThreeFailures() {
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().onRetry(onRetry::add).build();
		assertThatThrownBy(
				() -> engine(config).execute(OP, failWith(new IllegalStateException("x")), (error) -> true).block())
			.hasMessage("x");
		assertThat(onRetry).extracting(RetryContext::attempt).containsExactly(1, 2);
		assertThat(this.calls).hasValue(3);
	}

	// 7. Without should_retry, the any-exception rule of the non-HTTP callers (docker push) retries
	// any exception. The HTTP rule (the two-argument execute) retries only HTTP failures.
	@Test
	void anyExceptionRetriedByTheNonHttpDefaultRule() {
		String result = engine(RetryConfig.defaults())
			.execute(OP, succeedAfter(1, "pushed", new RuntimeException("docker push: connection reset")),
					(error) -> true)
			.block();
		assertThat(result).isEqualTo("pushed");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void httpDefaultRuleDoesNotRetryAnExceptionWithoutStatus() {
		RuntimeException failure = new RuntimeException("docker push: connection reset");
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute("files.read", failWith(failure)).block())
			.isSameAs(failure);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void httpDefaultRuleRetriesRetryableStatusesAndTransportFailures() {
		HttpException unavailable = http(503, null);
		// After more than one attempt: a copy of the last error that says how many were made.
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute("files.read", failWith(unavailable)).block())
			.isInstanceOfSatisfying(HttpException.class, (ex) -> {
				assertThat(ex).hasMessage(unavailable.getMessage() + "; failed after 3 attempts");
				assertThat(ex.status()).isEqualTo(503);
				assertThat(ex.operation()).isEqualTo(unavailable.operation());
				assertThat(ex.getStackTrace()).isEqualTo(unavailable.getStackTrace());
			});
		assertThat(this.calls).hasValue(3);
		this.calls.set(0);
		HttpException transport = http(0, null);
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute("files.read", failWith(transport)).block())
			.hasMessage(transport.getMessage() + "; failed after 3 attempts");
		assertThat(this.calls).hasValue(3);
		this.calls.set(0);
		HttpException badRequest = http(400, null);
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute("files.read", failWith(badRequest)).block())
			.isSameAs(badRequest);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void httpDefaultRuleHonoursTransportSwitchAndExcludedOperations() {
		RetryConfig noTransport = RetryConfig.builder().retryTransportErrors(false).build();
		assertThatThrownBy(() -> engine(noTransport).execute("files.read", failWith(http(0, null))).block())
			.isInstanceOf(HttpException.class);
		assertThat(this.calls).hasValue(1);
		this.calls.set(0);
		RetryConfig excluded = RetryConfig.builder().excludedOperations(List.of("snapshots.create")).build();
		assertThatThrownBy(() -> engine(excluded).execute("snapshots.create", failWith(http(503, null))).block())
			.isInstanceOf(HttpException.class);
		assertThat(this.calls).hasValue(1);
		this.calls.set(0);
		RetryConfig statuses = RetryConfig.builder().retryableStatuses(List.of(409)).build();
		assertThatThrownBy(() -> engine(statuses).execute("files.read", failWith(http(409, null))).block())
			.isInstanceOf(HttpException.class);
		assertThat(this.calls).hasValue(3);
	}

	// 8. is_retryable returning False stops after one call and was called once with that error.
	@Test
	void retryablePredicateFalseStopsAfterOneCall() {
		List<Throwable> seen = new CopyOnWriteArrayList<>();
		RuntimeException failure = new IllegalStateException("fatal");
		Predicate<Throwable> isRetryable = (error) -> {
			seen.add(error);
			return false;
		};
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute(OP, failWith(failure), isRetryable).block())
			.isSameAs(failure);
		assertThat(this.calls).hasValue(1);
		assertThat(seen).containsExactly(failure);
	}

	// 9. is_retryable returning True retries and succeeds on call 2.
	@Test
	void retryablePredicateTrueRetries() {
		String result = engine(RetryConfig.defaults()).execute(OP, succeedAfter(1, "ok"), (error) -> true).block();
		assertThat(result).isEqualTo("ok");
		assertThat(this.calls).hasValue(2);
	}

	// 10. When should_retry is configured, is_retryable is never consulted.
	@Test
	void shouldRetryReplacesRetryablePredicate() {
		AtomicInteger decisions = new AtomicInteger();
		AtomicInteger predicateCalls = new AtomicInteger();
		RetryConfig config = RetryConfig.builder().shouldRetryIf((context) -> {
			decisions.incrementAndGet();
			return true;
		}).build();
		String result = engine(config).execute(OP, succeedAfter(1, "ok"), (error) -> {
			predicateCalls.incrementAndGet();
			return false;
		}).block();
		assertThat(result).isEqualTo("ok");
		assertThat(decisions).hasValue(1);
		assertThat(predicateCalls).hasValue(0);
	}

	// 11. should_retry -> False short-circuits even with max_attempts=5 (1 call, 1 decision).
	@Test
	void shouldRetryFalseShortCircuits() {
		AtomicInteger decisions = new AtomicInteger();
		RetryConfig config = RetryConfig.builder().maxAttempts(5).shouldRetry((context) -> {
			decisions.incrementAndGet();
			return RetryDecision.stop();
		}).build();
		RuntimeException failure = new IllegalStateException("no");
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(failure), (error) -> true).block())
			.isSameAs(failure);
		assertThat(this.calls).hasValue(1);
		assertThat(decisions).hasValue(1);
	}

	// 12. should_retry -> 2.5 makes on_retry see ctx.delay == 2.5.
	@Test
	void customDelayReachesOnRetryAndSleeper() {
		List<RetryContext> onRetry = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetry((context) -> RetryDecision.retryAfter(Duration.ofMillis(2500)))
			.onRetry(onRetry::add)
			.build();
		engine(config).execute(OP, succeedAfter(1, "ok")).block();
		assertThat(onRetry).singleElement().extracting(RetryContext::delay).isEqualTo(Duration.ofMillis(2500));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(2500));
	}

	@Test
	void customDelayOfZeroIsADelayNotAStop() {
		RetryConfig config = RetryConfig.builder().shouldRetry((context) -> RetryDecision.retryAfter(Duration.ZERO)).build();
		assertThat(engine(config).execute(OP, succeedAfter(1, "ok")).block()).isEqualTo("ok");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ZERO);
	}

	// 13. should_retry -> True with zero jitter sleeps exactly [0.5, 1.0].
	@Test
	void zeroJitterSleepsHalfThenOneSecond() {
		RetryConfig config = RetryConfig.builder().shouldRetry((context) -> RetryDecision.retry()).build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new IllegalStateException("x"))).block())
			.hasMessage("x");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
	}

	@Test
	void maximalJitterSleepsThreeQuartersThenOneAndAQuarter() {
		RetryEngine engine = new RetryEngine(RetryConfig.defaults(), this.sleeper, () -> 1.0, List.of());
		assertThatThrownBy(() -> engine.execute(OP, failWith(new IllegalStateException("x")), (e) -> true).block())
			.hasMessage("x");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1250));
	}

	// 14. For a plain exception the context is: operation as given, attempt 1, status None, error
	// set, delay the default.
	@Test
	void contextOfPlainException() {
		List<RetryContext> seen = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().maxAttempts(2).shouldRetryIf((context) -> {
			seen.add(context);
			return true;
		}).build();
		RuntimeException failure = new IllegalStateException("plain");
		engine(config).execute(OP, succeedAfter(1, "ok", failure)).block();
		assertThat(seen).singleElement().satisfies((context) -> {
			assertThat(context.operation()).isEqualTo(OP);
			assertThat(context.attempt()).isEqualTo(1);
			assertThat(context.status()).isNull();
			assertThat(context.error()).isSameAs(failure);
			assertThat(context.delay()).isEqualTo(Duration.ofMillis(500));
		});
	}

	// 15. For an HttpException(503) the context status is 503 and the error is the HttpException.
	@Test
	void contextOfHttpException() {
		List<RetryContext> seen = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().maxAttempts(2).shouldRetryIf((context) -> {
			seen.add(context);
			return true;
		}).build();
		HttpException failure = http(503, null);
		engine(config).execute("sandboxes.start", succeedAfter(1, "ok", failure)).block();
		assertThat(seen).singleElement().satisfies((context) -> {
			assertThat(context.operation()).isEqualTo("sandboxes.start");
			assertThat(context.status()).isEqualTo(503);
			assertThat(context.error()).isSameAs(failure);
		});
	}

	@Test
	void asyncShouldRetryCompletingLaterOnAnotherThreadIsAwaited() throws Exception {
		List<CompletableFuture<RetryDecision>> pending = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().shouldRetryAsync((context) -> {
			CompletableFuture<RetryDecision> decision = new CompletableFuture<>();
			pending.add(decision);
			return decision;
		}).build();
		CompletableFuture<String> result = engine(config).execute(OP, succeedAfter(1, "ok")).toFuture();
		await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 1);
		// The engine waits for the decision: no second attempt, no sleep yet.
		assertThat(this.calls).hasValue(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
		assertThat(result).isNotDone();
		completeOnAnotherThread(() -> pending.get(0).complete(RetryDecision.retryAfter(Duration.ofSeconds(3))));
		assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(this.calls).hasValue(2);
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(3));
	}

	@Test
	void asyncShouldRetryStopDecisionEndsTheCall() {
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.supplyAsync(RetryDecision::stop))
			.build();
		RuntimeException failure = new IllegalStateException("stop");
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(failure)).block()).isSameAs(failure);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void asyncOnRetryCompletingLaterOnAnotherThreadIsAwaitedBeforeSleeping() throws Exception {
		List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
		List<RetryContext> seen = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.completedFuture(RetryDecision.retryAfter(Duration.ofSeconds(3))))
			.onRetryAsync((context) -> {
				seen.add(context);
				CompletableFuture<Void> done = new CompletableFuture<>();
				pending.add(done);
				return done;
			})
			.build();
		CompletableFuture<String> result = engine(config).execute(OP, succeedAfter(2, "ok")).toFuture();
		for (int attempt = 1; attempt <= 2; attempt++) {
			int expected = attempt;
			await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == expected);
			assertThat(this.sleeper.sleeps()).hasSize(attempt - 1);
			assertThat(this.calls).hasValue(attempt);
			CompletableFuture<Void> done = pending.get(attempt - 1);
			completeOnAnotherThread(() -> done.complete(null));
		}
		assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(seen).extracting(RetryContext::attempt).containsExactly(1, 2);
		assertThat(seen).extracting(RetryContext::delay).containsOnly(Duration.ofSeconds(3));
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
	}

	@Test
	void asyncCallbackFailingPropagatesItsException() {
		IllegalStateException callbackFailure = new IllegalStateException("decision service down");
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.failedFuture(callbackFailure))
			.build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new RuntimeException("first"))).block())
			.isSameAs(callbackFailure);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void exceptionThrownByShouldRetryPropagates() {
		IllegalStateException callbackFailure = new IllegalStateException("bad callback");
		RetryConfig config = RetryConfig.builder().shouldRetry((context) -> {
			throw callbackFailure;
		}).build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new RuntimeException("first"))).block())
			.isSameAs(callbackFailure);
		assertThat(this.calls).hasValue(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void exceptionThrownByOnRetryPropagates() {
		IllegalStateException callbackFailure = new IllegalStateException("bad listener");
		RetryConfig config = RetryConfig.builder().onRetry((context) -> {
			throw callbackFailure;
		}).build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new RuntimeException("first")), (e) -> true)
			.block()).isSameAs(callbackFailure);
		assertThat(this.calls).hasValue(1);
		assertThat(this.sleeper.sleeps()).isEmpty();
	}

	@Test
	void exceptionThrownByIsRetryablePropagates() {
		IllegalStateException predicateFailure = new IllegalStateException("bad predicate");
		assertThatThrownBy(() -> engine(RetryConfig.defaults()).execute(OP, failWith(new RuntimeException("first")),
				(error) -> {
					throw predicateFailure;
				}).block()).isSameAs(predicateFailure);
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void shouldRetryAsyncWithoutDecisionFailsClearly() {
		RetryConfig config = RetryConfig.builder()
			.shouldRetryAsync((context) -> CompletableFuture.<RetryDecision>completedFuture(null))
			.build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new RuntimeException("first"))).block())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("shouldRetry returned no decision for " + OP);
	}

	@Test
	void retryAfterRaisesTheDefaultDelay() {
		HttpException slowDown = http(429, Duration.ofSeconds(7));
		engine(RetryConfig.defaults()).execute("files.read", succeedAfter(1, "ok", slowDown)).block();
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(7));
	}

	@Test
	void retryAfterShorterThanTheBackoffKeepsTheBackoff() {
		HttpException slowDown = http(429, Duration.ofMillis(100));
		engine(RetryConfig.defaults()).execute("files.read", succeedAfter(1, "ok", slowDown)).block();
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
	}

	@Test
	void retryAfterIsSeenByShouldRetryAsTheDefaultDelay() {
		List<Duration> delays = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder().shouldRetryIf((context) -> delays.add(context.delay())).build();
		engine(config).execute("files.read", succeedAfter(1, "ok", http(503, Duration.ofSeconds(4)))).block();
		assertThat(delays).containsExactly(Duration.ofSeconds(4));
	}

	@Test
	void maxDelayCapsBackoffAndRetryAfter() {
		RetryConfig config = RetryConfig.builder()
			.maxAttempts(5)
			.initialDelay(Duration.ofSeconds(1))
			.multiplier(10)
			.maxDelay(Duration.ofSeconds(5))
			.build();
		assertThatThrownBy(() -> engine(config).execute(OP, failWith(new RuntimeException("x")), (e) -> true).block())
			.hasMessage("x");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.calls.set(0);
		RecordingSleeper other = new RecordingSleeper();
		new RetryEngine(config, other, () -> 0.0, List.of())
			.execute("files.read", succeedAfter(1, "ok", http(429, Duration.ofSeconds(3600))))
			.block();
		assertThat(other.sleeps()).containsExactly(Duration.ofSeconds(5));
	}

	@Test
	void delayChosenByShouldRetryIsNotCapped() {
		RetryConfig config = RetryConfig.builder()
			.maxDelay(Duration.ofSeconds(1))
			.shouldRetry((context) -> RetryDecision.retryAfter(Duration.ofSeconds(90)))
			.build();
		engine(config).execute(OP, succeedAfter(1, "ok")).block();
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofSeconds(90));
	}

	@Test
	void customBackoffSchedule() {
		RetryConfig config = RetryConfig.builder()
			.maxAttempts(4)
			.initialDelay(Duration.ofMillis(100))
			.multiplier(3)
			.jitter(Duration.ofMillis(40))
			.build();
		RetryEngine engine = new RetryEngine(config, this.sleeper, () -> 0.5, List.of());
		assertThatThrownBy(() -> engine.execute(OP, failWith(new RuntimeException("x")), (e) -> true).block())
			.hasMessage("x");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(120), Duration.ofMillis(320),
				Duration.ofMillis(920));
	}

	@Test
	void cancelledCallStopsRetrying() {
		Sinks.Empty<Void> sleep = Sinks.empty();
		RetryEngine.Sleeper pendingSleeper = (delay) -> sleep.asMono();
		RetryEngine engine = new RetryEngine(RetryConfig.defaults(), pendingSleeper, () -> 0.0, List.of());
		AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
		Disposable subscription = engine.execute(OP, failWith(new RuntimeException("x")), (e) -> true)
			.subscribe(outcome::set, outcome::set);
		await().atMost(Duration.ofSeconds(5)).until(() -> sleep.currentSubscriberCount() == 1);
		subscription.dispose();
		assertThat(sleep.currentSubscriberCount()).isZero();
		sleep.tryEmitEmpty();
		assertThat(this.calls).hasValue(1);
		assertThat(outcome.get()).isNull();
	}

	@Test
	void cancelledCallStopsRetryingWithStepVerifier() {
		Sinks.Empty<Void> sleep = Sinks.empty();
		RetryEngine engine = new RetryEngine(RetryConfig.defaults(), (delay) -> sleep.asMono(), () -> 0.0, List.of());
		StepVerifier.create(engine.execute(OP, failWith(new RuntimeException("x")), (e) -> true))
			.expectSubscription()
			.then(() -> assertThat(sleep.currentSubscriberCount()).isEqualTo(1))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		sleep.tryEmitEmpty();
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void listenerSeesRetriesAndTheAttemptCount() {
		List<RetryContext> retries = new CopyOnWriteArrayList<>();
		List<String> completions = new CopyOnWriteArrayList<>();
		RetryListener listener = new RetryListener() {

			@Override
			public void onRetry(RetryContext context) {
				retries.add(context);
			}

			@Override
			public void onComplete(String operation, int attempts, @Nullable Throwable error) {
				completions.add(operation + ":" + attempts + ":" + ((error != null) ? error.getMessage() : "ok"));
			}

		};
		RetryEngine engine = new RetryEngine(RetryConfig.defaults(), this.sleeper, () -> 0.0, List.of(listener));
		engine.execute("a", succeedAfter(0, "ok"), (e) -> true).block();
		this.calls.set(0);
		engine.execute("b", succeedAfter(2, "ok"), (e) -> true).block();
		this.calls.set(0);
		assertThatThrownBy(() -> engine.execute("c", failWith(new RuntimeException("down")), (e) -> true).block())
			.hasMessage("down");
		this.calls.set(0);
		engine.execute("d", () -> Mono.<Void>empty(), (e) -> true).block();
		assertThat(completions).containsExactly("a:1:ok", "b:3:ok", "c:3:down", "d:1:ok");
		assertThat(retries).extracting((context) -> context.operation() + context.attempt())
			.containsExactly("b1", "b2", "c1", "c2");
	}

	@Test
	void listenerRunsAfterOnRetryWithTheFinalDelay() {
		List<String> order = new CopyOnWriteArrayList<>();
		RetryConfig config = RetryConfig.builder()
			.shouldRetry((context) -> RetryDecision.retryAfter(Duration.ofSeconds(2)))
			.onRetry((context) -> order.add("onRetry " + context.delay()))
			.build();
		RetryListener listener = new RetryListener() {

			@Override
			public void onRetry(RetryContext context) {
				order.add("listener " + context.delay());
			}

		};
		new RetryEngine(config, (delay) -> Mono.fromRunnable(() -> order.add("sleep " + delay)), () -> 0.0,
				List.of(listener))
			.execute(OP, succeedAfter(1, "ok"))
			.block();
		assertThat(order).containsExactly("onRetry PT2S", "listener PT2S", "sleep PT2S");
	}

	@Test
	void aFailingListenerDoesNotChangeTheOutcome() {
		RetryListener broken = new RetryListener() {

			@Override
			public void onRetry(RetryContext context) {
				throw new IllegalStateException("metrics backend down");
			}

			@Override
			public void onComplete(String operation, int attempts, @Nullable Throwable error) {
				throw new IllegalStateException("metrics backend down");
			}

		};
		RetryEngine engine = new RetryEngine(RetryConfig.defaults(), this.sleeper, () -> 0.0, List.of(broken));
		assertThat(engine.execute(OP, succeedAfter(1, "ok"), (e) -> true).block()).isEqualTo("ok");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void withConfigAndWithListenerKeepTheTiming() {
		List<Integer> completions = new CopyOnWriteArrayList<>();
		RetryEngine engine = engine(RetryConfig.defaults()).withConfig(RetryConfig.builder().maxAttempts(2).build())
			.withListener(new RetryListener() {

				@Override
				public void onComplete(String operation, int attempts, @Nullable Throwable error) {
					completions.add(attempts);
				}

			});
		assertThat(engine.config().maxAttempts()).isEqualTo(2);
		assertThatThrownBy(() -> engine.execute(OP, failWith(new RuntimeException("x")), (e) -> true).block())
			.hasMessage("x");
		assertThat(this.sleeper.sleeps()).containsExactly(Duration.ofMillis(500));
		assertThat(completions).containsExactly(2);
	}

	@Test
	void eachSubscriptionIsAFreshCall() {
		Mono<String> call = engine(RetryConfig.defaults()).execute(OP, succeedAfter(1, "ok"), (e) -> true);
		assertThat(call.block()).isEqualTo("ok");
		assertThat(call.block()).isEqualTo("ok");
		// The second subscription's first attempt succeeds: the counter is shared, the loop is not.
		assertThat(this.calls).hasValue(3);
		assertThat(this.sleeper.sleeps()).hasSize(1);
	}

	@Test
	void synchronousThrowInAttemptSupplierIsAFailedAttempt() {
		Supplier<Mono<String>> attempt = () -> {
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("thrown before a Mono existed");
			}
			return Mono.just("ok");
		};
		assertThat(engine(RetryConfig.defaults()).execute(OP, attempt, (e) -> true).block()).isEqualTo("ok");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void invalidConfigurationIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().maxAttempts(0))
			.withMessageContaining("maxAttempts");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().multiplier(0.5))
			.withMessageContaining("multiplier");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().initialDelay(Duration.ofMillis(-1)))
			.withMessageContaining("initialDelay");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().retryableStatuses(List.of(42)))
			.withMessageContaining("retryableStatuses");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryDecision.retryAfter(Duration.ofSeconds(-1)))
			.withMessageContaining("delay");
	}

	@Test
	void configDefaultsMatchTheSeed() {
		RetryConfig defaults = RetryConfig.defaults();
		assertThat(defaults.maxAttempts()).isEqualTo(3);
		assertThat(defaults.initialDelay()).isEqualTo(Duration.ofMillis(500));
		assertThat(defaults.multiplier()).isEqualTo(2.0);
		assertThat(defaults.jitter()).isEqualTo(Duration.ofMillis(250));
		assertThat(defaults.retryableStatuses()).containsExactlyInAnyOrder(408, 429, 500, 502, 503, 504);
		assertThat(defaults.retryTransportErrors()).isTrue();
		assertThat(RetryConfig.disabled().maxAttempts()).isEqualTo(1);
		RetryConfig copy = defaults.toBuilder().maxAttempts(7).build();
		assertThat(copy.maxAttempts()).isEqualTo(7);
		assertThat(copy.initialDelay()).isEqualTo(defaults.initialDelay());
		assertThat(RetryDecision.of(true)).isEqualTo(RetryDecision.retry());
		assertThat(RetryDecision.of(false)).isEqualTo(RetryDecision.stop());
		assertThat(RetryDecision.retryAfter(Duration.ofSeconds(1)).delay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(RetryDecision.retry().delay()).isNull();
	}

	private RetryEngine engine(RetryConfig config) {
		return new RetryEngine(config, this.sleeper, () -> 0.0, List.of());
	}

	private Supplier<Mono<String>> succeedAfter(int failures, String value) {
		return succeedAfter(failures, value, null);
	}

	private Supplier<Mono<String>> succeedAfter(int failures, String value, @Nullable RuntimeException failure) {
		return () -> Mono.fromCallable(() -> {
			int call = this.calls.incrementAndGet();
			if (call <= failures) {
				throw (failure != null) ? failure : new IllegalStateException("failure " + call);
			}
			return value;
		});
	}

	private Supplier<Mono<String>> failWith(RuntimeException failure) {
		return () -> Mono.fromCallable(() -> {
			this.calls.incrementAndGet();
			throw failure;
		});
	}

	private static HttpException http(int status, @Nullable Duration retryAfter) {
		return new HttpException("files.read returned no response (HTTP " + status + ")", status, "files.read", null,
				List.of(), retryAfter, null);
	}

	private static void completeOnAnotherThread(Runnable completion) throws InterruptedException {
		Thread thread = new Thread(completion, "completer");
		thread.start();
		thread.join();
	}

}
