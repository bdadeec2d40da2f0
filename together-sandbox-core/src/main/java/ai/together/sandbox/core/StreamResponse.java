package ai.together.sandbox.core;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.util.Blocking;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * A stream in the blocking style (file events, exec output, exec and port lists): an
 * {@link AutoCloseable} that hands out its elements through a Java {@link Stream} or an
 * {@link Iterator}, waiting for each one. Always close it, typically with try-with-resources;
 * closing (also from another thread) ends the iteration and closes the HTTP connection.
 * <pre>{@code
 * try (StreamResponse<ExecOutput> output = sandbox.execs().streamOutput(exec.id())) {
 *     output.stream().forEach(chunk -> System.out.print(chunk.output()));
 * }
 * }</pre>
 * Nothing is requested from the server before {@link #stream()} or {@link #iterator()} is
 * called, and each response can be consumed once. At most {@value #PREFETCH} elements are held
 * ahead of the consumer: a slow consumer slows the server down instead of filling memory.
 * <p>
 * An error of the underlying stream (for example an {@link HttpException}) is thrown from the
 * iterator's {@code hasNext()}/{@code next()}, or from the terminal operation of the stream.
 * Like every wait of the blocking client, iterating fails at once with an
 * {@link IllegalStateException} on a non-blocking (Reactor) thread.
 *
 * @param <T> the element type
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class StreamResponse<T> implements AutoCloseable, Iterable<T> {

	/** How many elements are requested ahead of the consumer. */
	public static final int PREFETCH = 32;

	private static final Object COMPLETE = new Object();

	private final Flux<T> source;

	private final AtomicBoolean consumed = new AtomicBoolean();

	private volatile boolean closed;

	private volatile @Nullable QueueSubscriber<T> subscriber;

	private StreamResponse(Flux<T> source) {
		this.source = source;
	}

	/**
	 * Wraps a reactive stream; it is subscribed to when iteration starts.
	 * @param <T> the element type
	 * @param source the stream
	 * @return the blocking stream
	 */
	public static <T> StreamResponse<T> of(Publisher<T> source) {
		return new StreamResponse<>(Flux.from(Objects.requireNonNull(source, "source")));
	}

	/**
	 * Starts the stream and returns it as a sequential Java {@link Stream}; closing that stream
	 * closes this response.
	 * @return the elements
	 * @throws IllegalStateException when this response was already consumed or closed
	 */
	public Stream<T> stream() {
		Spliterator<T> spliterator = Spliterators.spliteratorUnknownSize(iterator(),
				Spliterator.ORDERED | Spliterator.NONNULL);
		return StreamSupport.stream(spliterator, false).onClose(this::close);
	}

	/**
	 * Starts the stream and returns an iterator over it. {@code hasNext()} waits for the next
	 * element, the end of the stream, or {@link #close()}.
	 * @return the iterator
	 * @throws IllegalStateException when this response was already consumed or closed
	 */
	@Override
	public Iterator<T> iterator() {
		Blocking.refuseNonBlockingThread();
		if (this.closed) {
			throw new IllegalStateException("This StreamResponse is closed");
		}
		if (!this.consumed.compareAndSet(false, true)) {
			throw new IllegalStateException("This StreamResponse can be consumed only once");
		}
		QueueSubscriber<T> queue = new QueueSubscriber<>();
		this.subscriber = queue;
		this.source.subscribe(queue);
		if (this.closed) {
			// close() raced with the subscription above.
			queue.close();
		}
		return queue;
	}

	/**
	 * Whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Ends the stream: cancels it (closing its HTTP connection) and makes a waiting or later
	 * {@code hasNext()} return {@code false}. Idempotent and thread-safe.
	 */
	@Override
	public void close() {
		this.closed = true;
		QueueSubscriber<T> queue = this.subscriber;
		if (queue != null) {
			queue.close();
		}
	}

	@Override
	public String toString() {
		return "StreamResponse[" + (this.closed ? "closed" : (this.consumed.get() ? "consuming" : "new")) + "]";
	}

	/** The terminal error of the source, queued after its elements. */
	private record Failure(Throwable error) {
	}

	/** Queues what the source delivers and serves it to one blocking consumer. */
	private static final class QueueSubscriber<T> extends BaseSubscriber<T> implements Iterator<T> {

		private static final int REPLENISH = PREFETCH - PREFETCH / 4;

		/** Elements, then at most one terminal marker: COMPLETE or a Failure. */
		private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

		/**
		 * The consumer while it waits for the queue, else {@code null}: the event loop takes no
		 * lock to hand over an element, and wakes the consumer only when it waits.
		 */
		private volatile @Nullable Thread waiting;

		private @Nullable Object next;

		private boolean done;

		private int consumedSinceRequest;

		private volatile boolean closedByConsumer;

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(PREFETCH);
		}

		@Override
		protected void hookOnNext(T value) {
			put(value);
		}

		@Override
		protected void hookOnComplete() {
			put(COMPLETE);
		}

		@Override
		protected void hookOnError(Throwable error) {
			put(new Failure(error));
		}

		@Override
		protected void hookOnCancel() {
			// Wake a consumer blocked in hasNext(); the end of a cancelled stream is its end.
			put(COMPLETE);
		}

		private void put(Object item) {
			this.queue.offer(item);
			Thread consumer = this.waiting;
			if (consumer != null) {
				LockSupport.unpark(consumer);
			}
		}

		/** The next item, waiting for it; {@code null} when the consumer was interrupted. */
		private @Nullable Object take() {
			Object item = this.queue.poll();
			if (item != null) {
				return item;
			}
			// Waiting on an event loop would never end when the next element needs it.
			Blocking.refuseNonBlockingThread();
			Thread consumer = Thread.currentThread();
			this.waiting = consumer;
			try {
				// Polled again after announcing the wait: an element put in between is not missed
				// (its unpark lets the next park return at once).
				while ((item = this.queue.poll()) == null) {
					if (consumer.isInterrupted()) {
						return null;
					}
					LockSupport.park(this);
				}
				return item;
			}
			finally {
				this.waiting = null;
			}
		}

		void close() {
			this.closedByConsumer = true;
			dispose();
		}

		@Override
		public boolean hasNext() {
			if (this.closedByConsumer) {
				// Closing ends the iteration at once, even with elements still queued.
				this.done = true;
				this.next = null;
				return false;
			}
			if (this.next != null) {
				return true;
			}
			if (this.done) {
				return false;
			}
			Object item = take();
			if (item == null) {
				// The thread keeps its interrupt status, as after a caught InterruptedException
				// that is re-asserted.
				this.done = true;
				dispose();
				throw new TogetherSandboxException("Interrupted while waiting for the next stream element",
						new InterruptedException());
			}
			if (item == COMPLETE || this.closedByConsumer) {
				this.done = true;
				return false;
			}
			if (item instanceof Failure failure) {
				this.done = true;
				Throwable error = failure.error();
				if (error instanceof RuntimeException runtime) {
					throw runtime;
				}
				if (error instanceof Error fatal) {
					throw fatal;
				}
				throw new TogetherSandboxException("The stream failed: " + error, error);
			}
			this.next = item;
			if (++this.consumedSinceRequest == REPLENISH) {
				this.consumedSinceRequest = 0;
				request(REPLENISH);
			}
			return true;
		}

		@Override
		@SuppressWarnings("unchecked")
		public T next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			T value = (T) this.next;
			this.next = null;
			return value;
		}

	}

}
