package ai.together.sandbox.emulator.internal.exec;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The buffered output of one exec, numbered from 1, and the live subscribers of it. It ends with
 * one exit message; it is closed (subscribers complete, nothing new is streamed) at that point or
 * when the exec is killed.
 */
public final class OutputLog {

	/** Buffered output beyond this many characters drops its oldest messages. */
	private static final long MAX_BUFFERED_CHARS = 32L * 1024 * 1024;

	private final Object lock = new Object();

	private final Deque<OutputMessage> messages = new ArrayDeque<>();

	private final List<FluxSink<OutputMessage>> subscribers = new CopyOnWriteArrayList<>();

	private long bufferedChars;

	private int nextSequence = 1;

	private boolean ended;

	private volatile boolean closed;

	/** Appends output read from the process; empty text is not a message. */
	void append(String type, String text) {
		if (!text.isEmpty()) {
			synchronized (this.lock) {
				add(type, text, null);
			}
		}
	}

	/** Appends the exit message, once, and closes the log. */
	void end(int exitCode) {
		synchronized (this.lock) {
			if (!this.ended) {
				add("stdout", "", exitCode);
				this.ended = true;
				close();
			}
		}
	}

	private void add(String type, String text, @Nullable Integer exitCode) {
		if (this.ended) {
			// Output after the exit message (from a lingering background child) is dropped so that
			// the exit message stays the last one.
			return;
		}
		OutputMessage message = new OutputMessage(type, text, this.nextSequence++, Instant.now().toString(), exitCode);
		this.messages.addLast(message);
		this.bufferedChars += text.length();
		while (this.bufferedChars > MAX_BUFFERED_CHARS && this.messages.size() > 1) {
			this.bufferedChars -= this.messages.removeFirst().output().length();
		}
		for (FluxSink<OutputMessage> sink : this.subscribers) {
			sink.next(message);
		}
	}

	/** Completes the live subscribers; what is appended later is kept but no longer streamed. */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			for (FluxSink<OutputMessage> sink : this.subscribers) {
				sink.complete();
			}
			this.subscribers.clear();
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Returns the buffered messages after {@code lastSequence}; a negative value {@code -k} means
	 * the last {@code k} messages.
	 * @param lastSequence the last sequence number the caller has, or {@code null} for all
	 * @return the messages
	 */
	public List<OutputMessage> messages(@Nullable Long lastSequence) {
		synchronized (this.lock) {
			return select(lastSequence);
		}
	}

	private List<OutputMessage> select(@Nullable Long lastSequence) {
		List<OutputMessage> all = new ArrayList<>(this.messages);
		if (lastSequence == null) {
			return all;
		}
		if (lastSequence < 0) {
			int k = (int) Math.min(all.size(), -lastSequence);
			return all.subList(all.size() - k, all.size());
		}
		return all.stream().filter(m -> m.sequence() > lastSequence).toList();
	}

	/**
	 * Streams the buffered messages after {@code lastSequence}, then live ones; completes when the
	 * log is closed.
	 * @param lastSequence as for {@link #messages(Long)}
	 * @return the messages
	 */
	public Flux<OutputMessage> stream(@Nullable Long lastSequence) {
		return Flux.create(sink -> {
			synchronized (this.lock) {
				for (OutputMessage message : select(lastSequence)) {
					sink.next(message);
				}
				if (this.closed) {
					sink.complete();
					return;
				}
				this.subscribers.add(sink);
			}
			sink.onDispose(() -> this.subscribers.remove(sink));
		}, FluxSink.OverflowStrategy.BUFFER);
	}

}
