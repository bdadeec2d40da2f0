package ai.together.sandbox.internal.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The calls and streams in flight through one transport and those derived from it, so that
 * closing a transport ends its own: each is aborted (its upstream cancelled, which closes the
 * connection, and its subscriber failed) by {@link #abortClosed()}. A call costs one subscriber
 * and one entry of a concurrent set, no scheduler task and no extra subscription.
 */
final class InFlight {

	private final Set<Guard<?>> active = ConcurrentHashMap.newKeySet();

	/**
	 * Guards a call.
	 * @param <T> the value type
	 * @param source the call
	 * @param closed whether the owning transport is closed
	 * @param failure the error a call ended by close fails with
	 * @return the guarded call
	 */
	<T> Mono<T> guard(Mono<T> source, BooleanSupplier closed, Supplier<? extends Throwable> failure) {
		return new MonoOperator<T, T>(source) {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				this.source.subscribe(new Guard<>(actual, closed, failure, InFlight.this.active, true));
			}

		};
	}

	/**
	 * Guards a stream.
	 * @param <T> the element type
	 * @param source the stream
	 * @param closed whether the owning transport is closed
	 * @param failure the error a stream ended by close fails with
	 * @return the guarded stream
	 */
	<T> Flux<T> guard(Flux<T> source, BooleanSupplier closed, Supplier<? extends Throwable> failure) {
		return new FluxOperator<T, T>(source) {

			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				this.source.subscribe(new Guard<>(actual, closed, failure, InFlight.this.active, false));
			}

		};
	}

	/**
	 * Aborts every call and stream whose transport is closed.
	 */
	void abortClosed() {
		for (Guard<?> guard : this.active) {
			if (guard.closed.getAsBoolean()) {
				guard.abort();
			}
		}
	}

	/**
	 * Number of calls and streams in flight (for tests).
	 * @return the count
	 */
	int size() {
		return this.active.size();
	}

	/**
	 * Passes every signal through until the transport is closed. Signals stay serialised: an abort
	 * that arrives while a value is being delivered is carried out by the delivering thread right
	 * after it.
	 */
	private static final class Guard<T> implements CoreSubscriber<T>, Subscription {

		private static final int IDLE = 0;

		private static final int EMITTING = 1;

		private static final int EMITTING_ABORT_PENDING = 2;

		private static final int DONE = 3;

		/** A Mono's value was delivered: close() no longer affects it, only its completion is due. */
		private static final int VALUE_DELIVERED = 4;

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<Guard> STATE = AtomicIntegerFieldUpdater.newUpdater(Guard.class,
				"state");

		private final CoreSubscriber<? super T> actual;

		final BooleanSupplier closed;

		private final Supplier<? extends Throwable> failure;

		private final Set<Guard<?>> registry;

		/** Whether the source is a Mono: its value is its result, as good as its completion. */
		private final boolean mono;

		private @Nullable Subscription upstream;

		private volatile int state;

		Guard(CoreSubscriber<? super T> actual, BooleanSupplier closed, Supplier<? extends Throwable> failure,
				Set<Guard<?>> registry, boolean mono) {
			this.mono = mono;
			this.actual = actual;
			this.closed = closed;
			this.failure = failure;
			this.registry = registry;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (!Operators.validate(this.upstream, s)) {
				return;
			}
			this.upstream = s;
			this.actual.onSubscribe(this);
			this.registry.add(this);
			if (this.state == DONE) {
				// Completed (or cancelled) while subscribing: never leave it in the registry.
				this.registry.remove(this);
			}
			else if (this.closed.getAsBoolean()) {
				// Closed between the caller's check and now: abortClosed() may have missed it.
				abort();
			}
		}

		@Override
		public void onNext(T value) {
			int current = this.state;
			if (current == EMITTING) {
				// Delivered from inside the delivery of the previous value (a synchronous source
				// answering a request): the outer delivery still owns the state.
				this.actual.onNext(value);
				return;
			}
			if (current != IDLE || !STATE.compareAndSet(this, IDLE, EMITTING)) {
				Operators.onNextDropped(value, this.actual.currentContext());
				return;
			}
			this.actual.onNext(value);
			if (this.mono) {
				if (STATE.compareAndSet(this, EMITTING, VALUE_DELIVERED)) {
					this.registry.remove(this);
				}
				else if (STATE.compareAndSet(this, EMITTING_ABORT_PENDING, DONE)) {
					// close() came while the result was delivered: the call succeeded, but its
					// upstream is cancelled and will not complete it.
					this.registry.remove(this);
					this.actual.onComplete();
				}
				return;
			}
			if (!STATE.compareAndSet(this, EMITTING, IDLE) && STATE.compareAndSet(this, EMITTING_ABORT_PENDING, DONE)) {
				// close() came while the value was delivered: end now, from this thread.
				this.registry.remove(this);
				this.actual.onError(this.failure.get());
			}
		}

		@Override
		public void onError(Throwable error) {
			if (terminate()) {
				this.actual.onError(error);
			}
			else {
				Operators.onErrorDropped(error, this.actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (terminate()) {
				this.actual.onComplete();
			}
		}

		private boolean terminate() {
			for (;;) {
				int current = this.state;
				if (current == DONE) {
					return false;
				}
				if (current == EMITTING_ABORT_PENDING) {
					// A terminal signal from inside onNext's delivery: the pending abort loses.
					this.state = DONE;
					this.registry.remove(this);
					return true;
				}
				if (STATE.compareAndSet(this, current, DONE)) {
					this.registry.remove(this);
					return true;
				}
			}
		}

		void abort() {
			for (;;) {
				int current = this.state;
				if (current == DONE || current == EMITTING_ABORT_PENDING || current == VALUE_DELIVERED) {
					return;
				}
				if (current == EMITTING) {
					if (this.mono) {
						// A Mono's result is being delivered: the call has succeeded.
						return;
					}
					if (STATE.compareAndSet(this, EMITTING, EMITTING_ABORT_PENDING)) {
						cancelUpstream();
						return;
					}
				}
				else if (STATE.compareAndSet(this, IDLE, DONE)) {
					this.registry.remove(this);
					cancelUpstream();
					this.actual.onError(this.failure.get());
					return;
				}
			}
		}

		private void cancelUpstream() {
			Subscription s = this.upstream;
			if (s != null) {
				s.cancel();
			}
		}

		@Override
		public void request(long n) {
			Subscription s = this.upstream;
			if (s != null) {
				s.request(n);
			}
		}

		@Override
		public void cancel() {
			int previous = STATE.getAndSet(this, DONE);
			this.registry.remove(this);
			if (!(this.mono && (previous == VALUE_DELIVERED || previous == EMITTING))) {
				// A Mono's subscriber that cancels once it has the value (block() does) only says
				// it wants nothing more: the call succeeded, and is not reported as cancelled.
				cancelUpstream();
			}
		}

	}

}
