package ai.together.sandbox.emulator.internal.exec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an exec's output log keeps, and how its readers are fed.
 */
class OutputLogTest {

	private static final String LINE = "x".repeat(99) + "\n";

	@Test
	void aReaderIsSentOnlyWhatItAsksForAndResumesAtWhatIsKept() {
		OutputBudget budget = new OutputBudget(10_000, 1_000_000);
		OutputLog log = new OutputLog(budget);
		List<OutputMessage> received = new CopyOnWriteArrayList<>();
		AtomicBoolean completed = new AtomicBoolean();
		BaseSubscriber<OutputMessage> reader = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(OutputMessage message) {
				received.add(message);
			}

			@Override
			protected void hookOnComplete() {
				completed.set(true);
			}

		};
		log.stream(null).subscribe(reader);
		for (int i = 0; i < 1000; i++) {
			log.append("stdout", LINE);
		}
		// 1,000 messages written, one asked for: the reader was sent one, and nothing is queued
		// for it beyond what the log keeps (at most its limit).
		assertThat(received).extracting(OutputMessage::sequence).containsExactly(1);
		assertThat(log.keptBytes()).isLessThanOrEqualTo(10_000).isEqualTo(budget.kept());
		reader.request(Long.MAX_VALUE);
		// It goes on at the oldest message still kept: a gap, then every kept message in order.
		List<OutputMessage> kept = log.messages(null);
		assertThat(kept.get(0).sequence()).isGreaterThan(2);
		assertThat(received.subList(1, received.size())).containsExactlyElementsOf(kept);
		assertThat(completed).isFalse();
		log.end(0);
		assertThat(received.get(received.size() - 1).exitCode()).isZero();
		assertThat(received.get(received.size() - 1).sequence()).isEqualTo(1001);
		assertThat(completed).isTrue();
	}

	@Test
	void theTotalIsSharedAndTheLogsThatKeepTheMostLoseTheirOldestFirst() {
		OutputBudget budget = new OutputBudget(50_000, 60_000);
		OutputLog large = new OutputLog(budget);
		OutputLog small = new OutputLog(budget);
		String text = "y".repeat(1000);
		for (int i = 0; i < 40; i++) {
			large.append("stdout", text);
		}
		for (int i = 0; i < 20; i++) {
			small.append("stderr", text);
		}
		assertThat(budget.kept()).isLessThanOrEqualTo(60_000).isEqualTo(large.keptBytes() + small.keptBytes());
		assertThat(small.messages(null)).hasSize(20).first().extracting(OutputMessage::sequence).isEqualTo(1);
		assertThat(large.messages(null).get(0).sequence()).isGreaterThan(1);
		assertThat(large.messages(null).get(large.messages(null).size() - 1).sequence()).isEqualTo(40);
		// A log that is released (its exec deleted) gives its share back.
		large.release();
		assertThat(budget.kept()).isEqualTo(small.keptBytes());
		assertThat(large.messages(null)).isEmpty();
	}

}
