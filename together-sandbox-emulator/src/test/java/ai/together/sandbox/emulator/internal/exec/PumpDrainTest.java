package ai.together.sandbox.emulator.internal.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exit of a process whose pipes a background child keeps open ({@code sh -c 'server &'}) is
 * reported after one drain period for all its output pumps together, not one period per pump;
 * pumps still reading what the process wrote, or not yet run when nothing else can hold the pipes,
 * are awaited past it.
 */
class PumpDrainTest {

	@Test
	void pumpsThatNeverEndAreAwaitedOneDrainPeriodInAll() throws Exception {
		assumeTrue(ProcessLauncher.tellsSessions(), "needs setsid and /proc");
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
		// A shell that leaves a background child in its session, as `server &` does: the child
		// may hold the pipes, which is why the pumps never end.
		Process process = new ProcessBuilder("setsid", "sh", "-c", "sleep 60 & exit 0")
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		Instant startedAt = process.info().startInstant().orElse(null);
		process.waitFor();
		try {
			assertThat(ProcessLauncher.sessionMembers(process.pid(), startedAt)).as("the background child").isNotEmpty();
			long started = System.nanoTime();
			ProcessLauncher.awaitPumps(new ProcessLauncher.Launched(process, null, null, pumps, startedAt,
					new AtomicLong(System.nanoTime())));
			Duration waited = Duration.ofNanos(System.nanoTime() - started);
			// One period per pump would be at least 3 of them.
			assertThat(waited).isGreaterThanOrEqualTo(ProcessLauncher.PUMP_DRAIN)
				.isLessThan(ProcessLauncher.PUMP_DRAIN.multipliedBy(5).dividedBy(2));
		}
		finally {
			release.countDown();
			for (ProcessHandle child : ProcessLauncher.sessionMembers(process.pid(), startedAt)) {
				child.destroyForcibly();
				child.onExit().get(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void aPumpNotRunForADrainPeriodIsAwaitedWhenNothingElseCanHoldThePipes() throws Exception {
		assumeTrue(ProcessLauncher.tellsSessions(), "needs setsid and /proc");
		// A saturated machine: the process exited with its output still in the pipe, and the pump
		// that reads it is not given the CPU for longer than a drain period. No process of the
		// session is left, so the pipe will reach its end: its output must not be dropped.
		CountDownLatch scheduled = new CountDownLatch(1);
		Thread pump = new Thread(() -> {
			try {
				scheduled.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "starved-pump");
		pump.setDaemon(true);
		pump.start();
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		Thread scheduler = new Thread(() -> {
			LockSupport.parkNanos(ProcessLauncher.PUMP_DRAIN.multipliedBy(2).toNanos());
			scheduled.countDown();
		}, "scheduler");
		scheduler.setDaemon(true);
		scheduler.start();

		ProcessLauncher.awaitPumps(new ProcessLauncher.Launched(process, null, null, List.of(pump),
				process.info().startInstant().orElse(null), new AtomicLong(System.nanoTime())));

		assertThat(pump.isAlive()).as("the pump was still to read the output").isFalse();
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
