package ai.together.sandbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import ai.together.sandbox.errors.TogetherSandboxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

// A lost wake-up would leave a consumer waiting forever: fail instead of hanging the build.
@Timeout(60)
class StreamResponseTest {

	private final ExecutorService consumers = Executors.newCachedThreadPool();

	@AfterEach
	void stopConsumers() throws InterruptedException {
		this.consumers.shutdownNow();
		assertThat(this.consumers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void handsOverEveryElementInOrderFromAnotherThreadWhileTheConsumerWaits() throws Exception {
		// The producer runs on its own thread and often finds the consumer waiting: no element may
		// be lost between the consumer's last look at the queue and its wait.
		int count = 20_000;
		Flux<Integer> source = Flux.range(0, count).subscribeOn(Schedulers.single());
		List<Integer> received = new ArrayList<>();
		try (StreamResponse<Integer> response = StreamResponse.of(source)) {
			response.iterator().forEachRemaining(received::add);
		}
		assertThat(received).hasSize(count);
		for (int i = 0; i < count; i++) {
			assertThat(received.get(i)).isEqualTo(i);
		}
	}

	@Test
	void deliversTheElementsBeforeAnErrorThenThrowsIt() {
		Flux<String> source = Flux.just("a", "b")
			.concatWith(Flux.error(new TogetherSandboxException("broken stream")))
			.subscribeOn(Schedulers.single());
		try (StreamResponse<String> response = StreamResponse.of(source)) {
			Iterator<String> elements = response.iterator();
			assertThat(elements.next()).isEqualTo("a");
			assertThat(elements.next()).isEqualTo("b");
			assertThatThrownBy(elements::hasNext).isInstanceOf(TogetherSandboxException.class)
				.hasMessage("broken stream");
		}
	}

	@Test
	void closingFromAnotherThreadWakesAWaitingConsumerAndCancelsTheSource() throws Exception {
		AtomicBoolean cancelled = new AtomicBoolean();
		StreamResponse<String> response = silent(cancelled);
		AtomicReference<Thread> consumer = new AtomicReference<>();
		Future<Boolean> hasNext = this.consumers.submit(() -> {
			consumer.set(Thread.currentThread());
			return response.iterator().hasNext();
		});
		awaitWaiting(consumer);
		response.close();
		assertThat(hasNext.get(10, TimeUnit.SECONDS)).isFalse();
		assertThat(cancelled).isTrue();
	}

	@Test
	void aWaitingConsumerInterruptedFailsKeepsItsInterruptStatusAndCancelsTheSource() throws Exception {
		AtomicBoolean cancelled = new AtomicBoolean();
		StreamResponse<String> response = silent(cancelled);
		AtomicReference<Thread> consumer = new AtomicReference<>();
		CompletableFuture<Throwable> failure = new CompletableFuture<>();
		AtomicBoolean stillInterrupted = new AtomicBoolean();
		this.consumers.submit(() -> {
			consumer.set(Thread.currentThread());
			try {
				response.iterator().hasNext();
				failure.complete(null);
			}
			catch (RuntimeException ex) {
				stillInterrupted.set(Thread.currentThread().isInterrupted());
				failure.complete(ex);
			}
		});
		awaitWaiting(consumer);
		consumer.get().interrupt();
		assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(TogetherSandboxException.class)
			.hasMessageContaining("Interrupted while waiting")
			.hasCauseInstanceOf(InterruptedException.class);
		assertThat(stillInterrupted).isTrue();
		assertThat(cancelled).isTrue();
	}

	@Test
	void anElementPutWhileTheConsumerWaitsWakesIt() throws Exception {
		Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
		StreamResponse<String> response = StreamResponse.of(sink.asFlux());
		AtomicReference<Thread> consumer = new AtomicReference<>();
		Future<String> next = this.consumers.submit(() -> {
			consumer.set(Thread.currentThread());
			return response.iterator().next();
		});
		awaitWaiting(consumer);
		sink.tryEmitNext("late").orThrow();
		assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("late");
		response.close();
	}

	/** A response whose source sends nothing and records its cancellation. */
	private static StreamResponse<String> silent(AtomicBoolean cancelled) {
		Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
		return StreamResponse.of(sink.asFlux().doOnCancel(() -> cancelled.set(true)));
	}

	/** Waits until the consumer thread is parked in the response, waiting for an element. */
	private static void awaitWaiting(AtomicReference<Thread> consumer) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			Thread thread = consumer.get();
			return thread != null && thread.getState() == Thread.State.WAITING;
		});
	}

}
