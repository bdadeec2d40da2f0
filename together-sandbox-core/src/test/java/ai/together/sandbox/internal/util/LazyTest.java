package ai.together.sandbox.internal.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class LazyTest {

	@Test
	void nothingIsMadeBeforeTheFirstGetAndTheSameValueAfter() {
		AtomicInteger made = new AtomicInteger();
		Lazy<Object> lazy = Lazy.of(() -> {
			made.incrementAndGet();
			return new Object();
		});
		assertThat(made).hasValue(0);
		assertThat(lazy.getIfMade()).isNull();
		Object first = lazy.get();
		assertThat(lazy.get()).isSameAs(first);
		assertThat(lazy.getIfMade()).isSameAs(first);
		assertThat(made).hasValue(1);
	}

	@Test
	void threadsAskingAtOnceGetOneValueMadeOnce() throws Exception {
		AtomicInteger made = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		Lazy<Object> lazy = new Lazy<>() {

			@Override
			protected Object make() {
				made.incrementAndGet();
				return new Object();
			}

		};
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<Object>> values = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				values.add(pool.submit(() -> {
					start.await();
					return lazy.get();
				}));
			}
			start.countDown();
			for (Future<Object> value : values) {
				assertThat(value.get(10, TimeUnit.SECONDS)).isSameAs(lazy.getIfMade());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(made).hasValue(1);
	}

	@Test
	void aFactoryReturningNullFailsAndIsAskedAgainNextTime() {
		AtomicInteger made = new AtomicInteger();
		Lazy<Object> lazy = Lazy.of(() -> (made.incrementAndGet() == 1) ? null : "second");
		assertThatNullPointerException().isThrownBy(lazy::get).withMessageContaining("the lazy value");
		assertThat(lazy.getIfMade()).isNull();
		assertThat(lazy.get()).isEqualTo("second");
	}

}
