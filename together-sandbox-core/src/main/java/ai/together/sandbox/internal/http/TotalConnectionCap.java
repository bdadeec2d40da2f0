package ai.together.sandbox.internal.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;

/**
 * A cap on the open sockets of one client across all hosts, over Reactor Netty's pools (which
 * cap each remote address on its own).
 * <p>
 * Counting: {@code sockets} are the channels created and not yet closed (counted when a channel
 * is initialised, before it connects); {@code acquiring} are the acquires in progress, each
 * holding one permit. An acquire starts only while {@code sockets + acquiring < max}; a new
 * socket is only made by an acquire in progress, so it takes that acquire's permit. When no
 * permit is free, the oldest idle socket (of any host) is closed to free one; without an idle
 * socket the acquire waits, first come first served, at most the pending-acquire timeout. As a
 * last guard, a channel initialised while {@code sockets >= max} (a pool still connecting for an
 * acquire that was cancelled) is closed before it connects, so open sockets never exceed
 * {@code max}.
 */
public final class TotalConnectionCap {

	private static final AttributeKey<TotalConnectionCap> COUNTED = AttributeKey
		.valueOf("together-sandbox.total-connection-cap");

	private final int max;

	private final Duration pendingAcquireTimeout;

	private final Object lock = new Object();

	private int sockets;

	private int acquiring;

	/** Idle pooled sockets, oldest release first. */
	private final LinkedHashSet<Channel> idle = new LinkedHashSet<>();

	private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	/**
	 * Creates a cap.
	 * @param max the maximum number of open sockets, at least 1
	 * @param pendingAcquireTimeout how long an acquire waits for a permit
	 */
	public TotalConnectionCap(int max, Duration pendingAcquireTimeout) {
		this.max = max;
		this.pendingAcquireTimeout = pendingAcquireTimeout;
	}

	/**
	 * The HTTP client with the hooks that count sockets and track idle ones.
	 * @param client the client over {@link #wrap(ConnectionProvider) the wrapped pool}
	 * @return the client with the hooks
	 */
	public HttpClient apply(HttpClient client) {
		return client.doOnChannelInit((observer, channel, remote) -> onChannelInit(channel))
			.observe((connection, state) -> {
				if (state == ConnectionObserver.State.RELEASED) {
					onIdle(connection.channel());
				}
				else if (state == ConnectionObserver.State.ACQUIRED || state == ConnectionObserver.State.CONNECTED) {
					onBusy(connection.channel());
				}
			});
	}

	/**
	 * The pool with acquires gated by this cap.
	 * @param pool the per-host pool
	 * @return the gated pool
	 */
	public ConnectionProvider wrap(ConnectionProvider pool) {
		return new Capped(pool);
	}

	private void onChannelInit(Channel channel) {
		synchronized (this.lock) {
			if (this.sockets >= this.max) {
				// Not counted: closed before it connects, its connect (and so its acquire) fails.
				channel.close();
				return;
			}
			this.sockets++;
			channel.attr(COUNTED).set(this);
		}
		channel.closeFuture().addListener(future -> onClosed(channel));
	}

	private void onClosed(Channel channel) {
		synchronized (this.lock) {
			this.idle.remove(channel);
			this.sockets--;
		}
		drain();
	}

	private void onIdle(Channel channel) {
		boolean evict;
		synchronized (this.lock) {
			if (channel.attr(COUNTED).get() != this || !channel.isActive()) {
				return;
			}
			// A waiter needs a permit that only closing a socket frees.
			evict = !this.waiters.isEmpty();
			if (!evict) {
				this.idle.add(channel);
			}
		}
		if (evict) {
			channel.close();
		}
	}

	private void onBusy(Channel channel) {
		synchronized (this.lock) {
			this.idle.remove(channel);
		}
	}

	/** Takes a permit if one is free and nobody waits for one. */
	private boolean tryTake() {
		synchronized (this.lock) {
			if (this.waiters.isEmpty() && this.sockets + this.acquiring < this.max) {
				this.acquiring++;
				return true;
			}
			return false;
		}
	}

	private @Nullable Channel pollIdle() {
		Iterator<Channel> it = this.idle.iterator();
		if (!it.hasNext()) {
			return null;
		}
		Channel oldest = it.next();
		it.remove();
		return oldest;
	}

	private void giveBack() {
		synchronized (this.lock) {
			this.acquiring--;
		}
		drain();
	}

	/** Hands the free permits to the waiters, oldest first. */
	private void drain() {
		while (true) {
			Waiter next;
			synchronized (this.lock) {
				if (this.waiters.isEmpty() || this.sockets + this.acquiring >= this.max) {
					return;
				}
				next = this.waiters.poll();
				if (!next.settled.compareAndSet(false, true)) {
					// Cancelled (or timed out) meanwhile: it takes no permit.
					continue;
				}
				this.acquiring++;
			}
			next.sink.success(Boolean.TRUE);
		}
	}

	private Mono<Boolean> permit() {
		return Mono.defer(() -> {
			if (tryTake()) {
				return Mono.just(Boolean.TRUE);
			}
			Mono<Boolean> waiting = Mono.create(sink -> {
				Waiter waiter = new Waiter(sink);
				Channel victim;
				synchronized (this.lock) {
					this.waiters.add(waiter);
					victim = pollIdle();
				}
				sink.onCancel(() -> {
					// Exactly one of granting and cancelling wins, so no permit is lost.
					if (waiter.settled.compareAndSet(false, true)) {
						synchronized (this.lock) {
							this.waiters.remove(waiter);
						}
					}
				});
				if (victim != null) {
					victim.close();
				}
				drain();
			});
			long millis = this.pendingAcquireTimeout.toMillis();
			return waiting.timeout(this.pendingAcquireTimeout,
					Mono.error(() -> new TimeoutException("no connection free within " + millis + "ms: all "
							+ this.max + " connections of the client (maxConnectionsTotal) are busy (connectTimeout)")));
		});
	}

	private static final class Waiter {

		final MonoSink<Boolean> sink;

		/** Set once, by the grant or by the cancel. */
		final AtomicBoolean settled = new AtomicBoolean();

		Waiter(MonoSink<Boolean> sink) {
			this.sink = sink;
		}

	}

	private final class Capped implements ConnectionProvider {

		private final ConnectionProvider delegate;

		Capped(ConnectionProvider delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<? extends Connection> acquire(TransportConfig config, ConnectionObserver connectionObserver,
				@Nullable Supplier<? extends SocketAddress> remoteAddress,
				@Nullable AddressResolverGroup<?> resolverGroup) {
			return permit().flatMap(granted -> {
				AtomicBoolean held = new AtomicBoolean(true);
				// A new socket is counted by onChannelInit while this permit is held; once the
				// connection is delivered (or the acquire ends) the permit is free again.
				return this.delegate.acquire(config, connectionObserver, remoteAddress, resolverGroup)
					.doOnNext(connection -> onBusy(connection.channel()))
					.doFinally(signal -> {
						if (held.compareAndSet(true, false)) {
							giveBack();
						}
					});
			});
		}

		@Override
		public void disposeWhen(SocketAddress address) {
			this.delegate.disposeWhen(address);
		}

		@Override
		public void dispose() {
			this.delegate.dispose();
		}

		@Override
		public Mono<Void> disposeLater() {
			return this.delegate.disposeLater();
		}

		@Override
		public boolean isDisposed() {
			return this.delegate.isDisposed();
		}

		@Override
		public int maxConnections() {
			return this.delegate.maxConnections();
		}

		@Override
		public Map<SocketAddress, Integer> maxConnectionsPerHost() {
			return this.delegate.maxConnectionsPerHost();
		}

		@Override
		public String name() {
			return this.delegate.name();
		}

	}

}
