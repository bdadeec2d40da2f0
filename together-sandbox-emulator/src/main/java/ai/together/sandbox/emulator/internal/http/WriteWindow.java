package ai.together.sandbox.emulator.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Backpressure for a streamed response body: a chunk is only handed to Netty while less than
 * {@link #MAX_IN_FLIGHT} bytes are handed to it and not yet written to the socket, and at most
 * {@link #PREFETCH} more are taken from the source meanwhile.
 * A client that stops reading stops the source, whatever the number of chunks Netty's writer
 * would queue; the source itself is pulled (it never pushes), so nothing piles up before it.
 */
final class WriteWindow {

	/** The most bytes of one response waiting to be written. */
	static final int MAX_IN_FLIGHT = 256 * 1024;

	/** The chunks taken from the source ahead of the window. */
	static final int PREFETCH = 4;

	private long inFlight;

	private @Nullable Waiter waiting;

	private WriteWindow() {
	}

	/**
	 * Turns the chunks of a body into buffers for Netty, within the window.
	 * @param chunks the chunks, requested one at a time
	 * @return the buffers
	 */
	static Flux<ByteBuf> of(Flux<byte[]> chunks) {
		return Flux.defer(() -> {
			WriteWindow window = new WriteWindow();
			// A few chunks made ahead, so that making the next one overlaps writing the last.
			return chunks.concatMap(bytes -> window.acquire(bytes.length).then(Mono.fromSupplier(() -> window.wrap(bytes))),
					PREFETCH);
		});
	}

	private Mono<Void> acquire(int length) {
		return Mono.create(sink -> {
			synchronized (this) {
				if (this.inFlight < MAX_IN_FLIGHT) {
					this.inFlight += length;
				}
				else {
					Waiter waiter = new Waiter(length, sink);
					this.waiting = waiter;
					sink.onCancel(() -> cancel(waiter));
					return;
				}
			}
			sink.success();
		});
	}

	private synchronized void cancel(Waiter waiter) {
		if (this.waiting == waiter) {
			this.waiting = null;
		}
	}

	private void release(int length) {
		Waiter ready = null;
		synchronized (this) {
			this.inFlight -= length;
			if (this.waiting != null && this.inFlight < MAX_IN_FLIGHT) {
				ready = this.waiting;
				this.waiting = null;
				this.inFlight += ready.length;
			}
		}
		if (ready != null) {
			ready.sink.success();
		}
	}

	private ByteBuf wrap(byte[] bytes) {
		return new Tracked(bytes, this);
	}

	private record Waiter(int length, MonoSink<Void> sink) {
	}

	/** A heap buffer over the chunk that gives its bytes back to the window once Netty is done with it. */
	private static final class Tracked extends UnpooledHeapByteBuf {

		private final WriteWindow window;

		private final int length;

		Tracked(byte[] bytes, WriteWindow window) {
			super(UnpooledByteBufAllocator.DEFAULT, bytes, bytes.length);
			this.window = window;
			this.length = bytes.length;
		}

		@Override
		protected void deallocate() {
			super.deallocate();
			this.window.release(this.length);
		}

	}

}
