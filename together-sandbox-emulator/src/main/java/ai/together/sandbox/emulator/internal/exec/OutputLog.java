package ai.together.sandbox.emulator.internal.exec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The kept output of one exec, numbered from 1, and the live readers of it. It ends with one exit
 * message; it is closed (readers complete, nothing new is streamed) at that point or when the exec
 * is killed.
 *
 * <p>What is kept is bounded by its {@link OutputBudget}: the oldest messages are dropped, the
 * numbers of the others stay, so a gap in the sequence numbers shows what was dropped. A reader
 * holds no copy of the output, only its place in it: it is sent messages as fast as it reads them,
 * and one that reads slower than the exec writes misses what is dropped meanwhile.
 */
public final class OutputLog {

	/** What a message costs beyond its text, in bytes, as the budget counts it. */
	public static final int MESSAGE_OVERHEAD = 128;

	private final OutputBudget budget;

	private final Object lock = new Object();

	private final Window messages = new Window();

	private final List<Reader> readers = new CopyOnWriteArrayList<>();

	private long keptBytes;

	private int nextSequence = 1;

	private boolean ended;

	private boolean released;

	private volatile boolean closed;

	/** The last sequence streamed once closed. */
	private int endSequence = Integer.MAX_VALUE;

	/**
	 * Creates an empty log within a budget.
	 * @param budget the limits of what is kept
	 */
	public OutputLog(OutputBudget budget) {
		this.budget = budget;
		budget.register(this);
	}

	/** Appends output read from the process; empty text is not a message. */
	void append(String type, String text) {
		if (!text.isEmpty()) {
			synchronized (this.lock) {
				add(type, text, null);
			}
			this.budget.enforce();
			wakeReaders();
		}
	}

	/** Appends the exit message, once, and closes the log. */
	void end(int exitCode) {
		synchronized (this.lock) {
			if (this.ended) {
				return;
			}
			add("stdout", "", exitCode);
			this.ended = true;
		}
		close();
		this.budget.enforce();
	}

	private void add(String type, String text, @Nullable Integer exitCode) {
		if (this.ended || this.released) {
			// Output after the exit message (from a lingering background child) is dropped so that
			// the exit message stays the last one.
			return;
		}
		OutputMessage message = new OutputMessage(type, text, this.nextSequence++, Instant.now().toString(), exitCode);
		this.messages.add(message);
		long size = cost(message);
		this.keptBytes += size;
		this.budget.changed(size);
		if (this.keptBytes > this.budget.perExec()) {
			dropLocked(this.keptBytes - this.budget.perExec());
		}
	}

	private static long cost(OutputMessage message) {
		String text = message.output();
		long bytes = MESSAGE_OVERHEAD;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			// UTF-8 length; a surrogate pair counts 2 + 2.
			bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
		}
		return bytes;
	}

	/**
	 * Drops the oldest messages, never the last one, until {@code bytes} are freed or only the last
	 * is left.
	 * @param bytes how much to free
	 * @return how much was freed
	 */
	long dropOldest(long bytes) {
		synchronized (this.lock) {
			return dropLocked(bytes);
		}
	}

	private long dropLocked(long bytes) {
		long freed = 0;
		while (freed < bytes && this.messages.size() > 1) {
			freed += cost(this.messages.removeFirst());
		}
		this.keptBytes -= freed;
		this.budget.changed(-freed);
		return freed;
	}

	/**
	 * Returns the bytes kept, as the budget counts them.
	 * @return the bytes
	 */
	public long keptBytes() {
		synchronized (this.lock) {
			return this.keptBytes;
		}
	}

	/** Completes the live readers once they have read up to now; what is appended later is kept but not streamed. */
	void close() {
		synchronized (this.lock) {
			if (!this.closed) {
				this.endSequence = this.nextSequence - 1;
				this.closed = true;
			}
		}
		wakeReaders();
	}

	/** Forgets the output (the exec is gone) and gives its bytes back to the budget. */
	void release() {
		close();
		synchronized (this.lock) {
			this.released = true;
			this.budget.changed(-this.keptBytes);
			this.keptBytes = 0;
			this.messages.clear();
		}
		this.budget.unregister(this);
		wakeReaders();
	}

	boolean isClosed() {
		return this.closed;
	}

	private void wakeReaders() {
		for (Reader reader : this.readers) {
			reader.drain();
		}
	}

	/**
	 * Returns the kept messages after {@code lastSequence}; a negative value {@code -k} means the
	 * last {@code k} messages.
	 * @param lastSequence the last sequence number the caller has, or {@code null} for all
	 * @return the messages
	 */
	public List<OutputMessage> messages(@Nullable Long lastSequence) {
		synchronized (this.lock) {
			List<OutputMessage> selected = new ArrayList<>();
			for (int i = this.messages.indexAfter(startAfter(lastSequence)); i < this.messages.size(); i++) {
				selected.add(this.messages.get(i));
			}
			return selected;
		}
	}

	/** The sequence number after which a request for {@code lastSequence} starts; under the lock. */
	private long startAfter(@Nullable Long lastSequence) {
		if (lastSequence == null) {
			return 0;
		}
		if (lastSequence < 0) {
			long last = this.nextSequence - 1L;
			return Math.max(0, last - Math.min(this.messages.size(), -lastSequence));
		}
		return lastSequence;
	}

	/**
	 * Streams the kept messages after {@code lastSequence}, then live ones, each when the
	 * subscriber asks for it; completes when the log is closed and the subscriber has had
	 * everything up to then.
	 * @param lastSequence as for {@link #messages(Long)}
	 * @return the messages
	 */
	public Flux<OutputMessage> stream(@Nullable Long lastSequence) {
		return Flux.create(sink -> {
			long start;
			synchronized (this.lock) {
				start = startAfter(lastSequence);
			}
			Reader reader = new Reader(sink, start);
			this.readers.add(reader);
			sink.onRequest(n -> reader.drain());
			sink.onDispose(() -> this.readers.remove(reader));
			reader.drain();
		}, FluxSink.OverflowStrategy.ERROR);
	}

	/**
	 * One subscriber of the stream: its place in the log. Messages are only emitted as requested,
	 * so nothing is ever queued for it.
	 */
	private final class Reader {

		private final FluxSink<OutputMessage> sink;

		private final AtomicInteger wip = new AtomicInteger();

		private long last;

		private boolean done;

		Reader(FluxSink<OutputMessage> sink, long last) {
			this.sink = sink;
			this.last = last;
		}

		void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			do {
				while (!this.done && !this.sink.isCancelled() && this.sink.requestedFromDownstream() > 0) {
					OutputMessage next;
					boolean end;
					synchronized (OutputLog.this.lock) {
						int index = OutputLog.this.messages.indexAfter(this.last);
						next = index < OutputLog.this.messages.size() ? OutputLog.this.messages.get(index) : null;
						if (next != null && next.sequence() > OutputLog.this.endSequence) {
							next = null;
						}
						end = next == null && OutputLog.this.closed;
					}
					if (next == null) {
						if (end) {
							this.done = true;
							this.sink.complete();
						}
						break;
					}
					this.last = next.sequence();
					this.sink.next(next);
				}
				missed = this.wip.addAndGet(-missed);
			}
			while (missed != 0);
		}

	}

	/** The kept messages: consecutive sequence numbers, oldest first, in a ring. */
	private static final class Window {

		private OutputMessage[] ring = new OutputMessage[16];

		private int head;

		private int size;

		int size() {
			return this.size;
		}

		OutputMessage get(int index) {
			return this.ring[(this.head + index) % this.ring.length];
		}

		void add(OutputMessage message) {
			if (this.size == this.ring.length) {
				OutputMessage[] grown = new OutputMessage[this.ring.length * 2];
				for (int i = 0; i < this.size; i++) {
					grown[i] = get(i);
				}
				this.ring = grown;
				this.head = 0;
			}
			this.ring[(this.head + this.size) % this.ring.length] = message;
			this.size++;
		}

		OutputMessage removeFirst() {
			OutputMessage first = this.ring[this.head];
			this.ring[this.head] = null;
			this.head = (this.head + 1) % this.ring.length;
			this.size--;
			return first;
		}

		void clear() {
			this.ring = new OutputMessage[16];
			this.head = 0;
			this.size = 0;
		}

		/** The index of the first message numbered after {@code sequence}. */
		int indexAfter(long sequence) {
			if (this.size == 0) {
				return 0;
			}
			long first = get(0).sequence();
			return (int) Math.max(0, Math.min(this.size, sequence + 1 - first));
		}

	}

}
