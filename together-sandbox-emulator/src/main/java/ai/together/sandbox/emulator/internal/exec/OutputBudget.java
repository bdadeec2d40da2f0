package ai.together.sandbox.emulator.internal.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much exec output the emulator keeps: at most {@link #perExec()} bytes per exec and
 * {@link #total()} bytes over every exec of every sandbox. Beyond either, the oldest messages are
 * dropped: of the exec itself for its own limit, of the execs that keep the most for the total.
 * Bytes are those of the output as UTF-8 plus {@link OutputLog#MESSAGE_OVERHEAD} per message.
 */
public final class OutputBudget {

	private final long perExec;

	private final long total;

	private final Set<OutputLog> logs = ConcurrentHashMap.newKeySet();

	private final AtomicLong kept = new AtomicLong();

	/**
	 * Creates a budget.
	 * @param perExec the most bytes kept per exec
	 * @param total the most bytes kept over all execs
	 */
	public OutputBudget(long perExec, long total) {
		if (perExec < 1 || total < 1) {
			throw new IllegalArgumentException("output limits must be positive");
		}
		this.perExec = perExec;
		this.total = total;
	}

	/**
	 * Returns the most bytes kept per exec.
	 * @return the limit
	 */
	public long perExec() {
		return this.perExec;
	}

	/**
	 * Returns the most bytes kept over all execs.
	 * @return the limit
	 */
	public long total() {
		return this.total;
	}

	/**
	 * Returns the bytes kept now over all execs.
	 * @return the bytes
	 */
	public long kept() {
		return this.kept.get();
	}

	void register(OutputLog log) {
		this.logs.add(log);
	}

	void unregister(OutputLog log) {
		this.logs.remove(log);
	}

	/** Called by a log, under its own lock, when what it keeps grows or shrinks. */
	void changed(long delta) {
		this.kept.addAndGet(delta);
	}

	/**
	 * Drops the oldest output of the execs that keep the most until the total is within the
	 * limit. Called by a log after an append, holding no log's lock: this takes the budget's lock,
	 * then one log's lock at a time, never the other way round.
	 */
	void enforce() {
		if (this.kept.get() <= this.total) {
			return;
		}
		synchronized (this) {
			// Down to 15/16 of the limit, so that a saturated budget is not enforced on every
			// single append.
			long target = this.total - this.total / 16;
			while (this.kept.get() > target) {
				List<OutputLog> largest = new ArrayList<>(this.logs);
				largest.sort(Comparator.comparingLong(OutputLog::keptBytes).reversed());
				boolean freed = false;
				for (OutputLog log : largest) {
					long excess = this.kept.get() - target;
					if (excess <= 0) {
						break;
					}
					// The largest gives up to what brings it down to the next largest, at least a
					// little, so that the hogs shrink together.
					long next = largest.size() > 1 ? largest.get(1).keptBytes() : 0;
					long share = Math.max(Math.min(excess, log.keptBytes() - next), Math.min(excess, this.perExec / 8 + 1));
					if (log.dropOldest(share) > 0) {
						freed = true;
						break;
					}
				}
				if (!freed) {
					// Every log is down to its last message: nothing more can go.
					return;
				}
			}
		}
	}

}
