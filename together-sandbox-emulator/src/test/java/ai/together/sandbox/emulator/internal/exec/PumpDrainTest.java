package ai.together.sandbox.emulator.internal.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exit of a process whose pipes a background child keeps open ({@code sh -c 'server &'}) is
 * reported after one drain period for all its output pumps together, not one period per pump;
 * pumps still reading what the process wrote are awaited past it.
 */
class PumpDrainTest {

	@Test
	void pumpsThatNeverEndAreAwaitedOneDrainPeriodInAll() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> pumps = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Thread pump = new Thread(() -> {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "stuck-pump-" + i);
			pump.setDaemon(true);
			pump.start();
			pumps.add(pump);
		}
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		try {
			long started = System.nanoTime();
			ProcessLauncher.awaitPumps(new ProcessLauncher.Launched(process, null, null, pumps, null, new AtomicLong(System.nanoTime())));
			Duration waited = Duration.ofNanos(System.nanoTime() - started);
			// One period per pump would be at least 3 of them.
			assertThat(waited).isGreaterThanOrEqualTo(ProcessLauncher.PUMP_DRAIN)
				.isLessThan(ProcessLauncher.PUMP_DRAIN.multipliedBy(5).dividedBy(2));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aPumpStillReadingIsAwaitedPastTheDrainPeriod() throws Exception {
		// A busy machine: the pump reads the process's last output in slow pieces, well past one
		// drain period after the exit; the exit is reported only once it has read everything.
		AtomicLong lastRead = new AtomicLong(System.nanoTime());
		Duration reading = ProcessLauncher.PUMP_DRAIN.multipliedBy(2);
		Thread pump = new Thread(() -> {
			long end = System.nanoTime() + reading.toNanos();
			while (System.nanoTime() < end) {
				lastRead.set(System.nanoTime());
				LockSupport.parkNanos(ProcessLauncher.PUMP_DRAIN.toNanos() / 5);
			}
		}, "slow-pump");
		pump.setDaemon(true);
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		pump.start();

		ProcessLauncher.awaitPumps(new ProcessLauncher.Launched(process, null, null, List.of(pump), null, lastRead));

		assertThat(pump.isAlive()).as("the pump was still reading").isFalse();
	}

}
