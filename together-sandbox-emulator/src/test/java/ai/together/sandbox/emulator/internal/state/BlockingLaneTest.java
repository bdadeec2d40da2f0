package ai.together.sandbox.emulator.internal.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import ai.together.sandbox.emulator.internal.http.ApiException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work that blocks in one sandbox leaves the others' alone, and ends in a 503 once it takes too
 * long.
 */
class BlockingLaneTest {

	@Test
	void oneSandboxBlockingEveryThreadStarvesNoOther() {
		BlockingLane stuck = new BlockingLane("lane-stuck", Duration.ofMillis(500));
		BlockingLane other = new BlockingLane("lane-other", Duration.ofSeconds(10));
		CountDownLatch release = new CountDownLatch(1);
		List<Disposable> blocked = new ArrayList<>();
		try {
			// More blocked operations than the shared blocking pool has threads (10 per core).
			for (int i = 0; i < 10 * Runtime.getRuntime().availableProcessors() + BlockingLane.THREADS; i++) {
				blocked.add(stuck.run(() -> {
					// Like the opening of a named pipe: an interrupt does not end it.
					while (release.getCount() > 0) {
						try {
							release.await();
						}
						catch (InterruptedException ex) {
							// Keep blocking.
						}
					}
					return "late";
				}).subscribe(value -> { }, error -> { }));
			}
			assertThat(other.run(() -> "answered").block(Duration.ofSeconds(5))).isEqualTo("answered");
			assertThatThrownBy(() -> stuck.run(() -> "queued behind the stuck ones").block(Duration.ofSeconds(5)))
				.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(503));
		}
		finally {
			release.countDown();
			blocked.forEach(Disposable::dispose);
			stuck.dispose();
			other.dispose();
		}
	}

	@Test
	void aDisposedLaneRefusesWork() {
		BlockingLane lane = new BlockingLane("lane-gone", Duration.ofSeconds(1));
		assertThat(lane.run(() -> 1).block(Duration.ofSeconds(5))).isEqualTo(1);
		lane.dispose();
		assertThatThrownBy(() -> lane.run(() -> 2).block(Duration.ofSeconds(5)))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.status()).isEqualTo(404));
	}

}
