package ai.together.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.testing.FakeSandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Every place where the blocking view waits (a call, a stream's next element) fails at once, with
 * one message, on a thread that must not block, instead of stalling it (for ever, when what it
 * waits for needs that thread), as a WebFlux handler that used the blocking client would.
 */
class BlockingOnNonBlockingThreadTest {

	private static final String MESSAGE = "The blocking Together Sandbox client cannot wait on thread '";

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox();

	@Test
	void aBlockingCallOnAnEventLoopFailsAtOnceAndSendsNothing() {
		TogetherSandbox sdk = this.fake.client();
		int before = this.fake.server().requests().size();

		assertThat(failureOn(Schedulers.parallel(), () -> sdk.sandboxes().get("abc123"))).startsWith(MESSAGE)
			.contains("parallel")
			.contains("ReactiveTogetherSandbox");
		assertThat(failureOn(Schedulers.single(), () -> {
			sdk.sandboxes().delete("abc123");
			return "deleted";
		})).startsWith(MESSAGE);
		assertThat(this.fake.server().requests()).hasSize(before);
	}

	@Test
	void iteratingAStreamOnAnEventLoopFailsAtOnceWithTheSameMessage() {
		// A stream that never sends anything: a wait for its first element would never end.
		StreamResponse<String> stream = StreamResponse.of(Flux.never());
		assertThat(failureOn(Schedulers.parallel(), () -> stream.iterator().hasNext())).startsWith(MESSAGE);
		StreamResponse<String> another = StreamResponse.of(Flux.never());
		assertThat(failureOn(Schedulers.parallel(), () -> another.stream().findFirst())).startsWith(MESSAGE);
	}

	@Test
	void anIteratorHandedToAnEventLoopFailsThereOnceItWouldWait() throws Exception {
		try (StreamResponse<String> stream = StreamResponse.of(Flux.just("one").concatWith(Flux.never()))) {
			var iterator = stream.iterator();
			assertThat(iterator.next()).isEqualTo("one");
			assertThat(failureOn(Schedulers.parallel(), iterator::hasNext)).startsWith(MESSAGE);
		}
	}

	@Test
	void theBlockingClientStillWorksOnAThreadThatMayBlock() {
		TogetherSandbox sdk = this.fake.client();
		List<String> ids = Mono.fromCallable(() -> sdk.sandboxes().list())
			.subscribeOn(Schedulers.boundedElastic())
			.map((list) -> list.stream().map((info) -> info.id()).toList())
			.block(Duration.ofSeconds(30));
		assertThat(ids).isNotNull();
	}

	/** Runs the action on the scheduler and returns the message it failed with (never waits long). */
	private static String failureOn(Scheduler scheduler, Callable<?> action) {
		Mono<?> onScheduler = Mono.fromCallable(action).subscribeOn(scheduler);
		// A hang would end here after 10 s with Reactor's timeout, not with the message checked.
		return assertThatIllegalStateException().isThrownBy(() -> onScheduler.block(Duration.ofSeconds(10)))
			.actual()
			.getMessage();
	}

}
