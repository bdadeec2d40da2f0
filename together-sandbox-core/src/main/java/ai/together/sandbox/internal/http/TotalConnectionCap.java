package ai.together.sandbox.internal.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
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
 * is initialised, before it connects); {@code acquiring} are the acquires in progress that may
 * make a new socket, each holding one permit. An acquire of a host with an idle socket nobody
 * else has claimed claims it and needs no permit (the pool hands idle sockets out first). Any
 * other acquire starts only while {@code sockets + acquiring < max}; a new socket is only made
 * by an acquire in progress, so it takes that acquire's permit. When no permit is free, the
 * oldest unclaimed idle socket (of any host) is closed to free one; without one the acquire
 * waits, first come first served, at most the pending-acquire timeout, and a socket released
 * meanwhile goes to a waiter of its own host, or is closed for the oldest waiter. As a last
 * guard, a channel initialised while {@code sockets >= max} (a pool still connecting for an
 * acquire that was cancelled) is closed before it connects, so open sockets never exceed
 * {@code max}.
 * <p>
 * Closing an idle socket is decided on its event loop, where the pool delivers it to a call and
 * where that call writes its request: a socket is closed only while no call holds it, so a
 * request the server may have received never loses its response to this cap (a socket closed
 * just before the pool delivers it is replaced by Reactor Netty before anything is written).
 */
public final class TotalConnectionCap {

	private static final AttributeKey<Tracked> TRACKED = AttributeKey.valueOf("together-sandbox.total-connection-cap");

	private final int max;

	private final Duration pendingAcquireTimeout;

	private final Object lock = new Object();

	private int sockets;

	private int acquiring;

	/** Idle pooled sockets, oldest release first. */
	private final LinkedHashSet<Channel> idle = new LinkedHashSet<>();

	/** The idle sockets of each host (the pools' own key: the remote address asked for). */
	private final Map<SocketAddress, Integer> idleByHost = new HashMap<>();

	/** The idle sockets of each host that acquires in progress count on. */
	private final Map<SocketAddress, Integer> claimedByHost = new HashMap<>();

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
					onReleased(connection.channel());
				}
				else if (state == ConnectionObserver.State.ACQUIRED || state == ConnectionObserver.State.CONNECTED) {
					onTaken(connection.channel());
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
			channel.attr(TRACKED).set(new Tracked(this));
		}
		channel.closeFuture().addListener(future -> onClosed(channel));
	}

	private void onClosed(Channel channel) {
		synchronized (this.lock) {
			removeIdle(channel);
			this.sockets--;
		}
		drain();
	}

	/** A call holds the socket: the pool delivered it (a new one connects, an idle one is acquired). */
	private void onTaken(Channel channel) {
		Tracked tracked = tracked(channel);
		if (tracked == null) {
			return;
		}
		synchronized (this.lock) {
			// Counted, not flagged: the pool may hand a released socket to its next call before
			// the release is reported here.
			tracked.holders++;
			removeIdle(channel);
		}
	}

	/** A call gave the socket back to its pool. */
	private void onReleased(Channel channel) {
		Tracked tracked = tracked(channel);
		if (tracked == null) {
			return;
		}
		if (!channel.eventLoop().inEventLoop()) {
			channel.eventLoop().execute(() -> onReleased(channel));
			return;
		}
		Waiter sameHost = null;
		boolean close = false;
		synchronized (this.lock) {
			tracked.holders = Math.max(0, tracked.holders - 1);
			if (tracked.holders > 0 || !channel.isActive()) {
				return;
			}
			addIdle(channel, tracked);
			if (!this.waiters.isEmpty()) {
				sameHost = takeWaiterFor(tracked.host);
				if (sameHost != null) {
					claim(tracked.host);
				}
				else {
					// A waiter needs a permit that only closing a socket frees.
					removeIdle(channel);
					close = true;
				}
			}
		}
		if (sameHost != null) {
			sameHost.grant(new Ticket(tracked.host));
		}
		else if (close) {
			// On the event loop, with no call holding it: a call the pool is about to hand it to
			// finds it closed before writing and gets another.
			channel.close();
		}
	}

	private @Nullable Tracked tracked(Channel channel) {
		Tracked tracked = channel.attr(TRACKED).get();
		return (tracked != null && tracked.cap == this) ? tracked : null;
	}

	private void addIdle(Channel channel, Tracked tracked) {
		if (this.idle.add(channel) && tracked.host != null) {
			this.idleByHost.merge(tracked.host, 1, Integer::sum);
		}
	}

	private void removeIdle(Channel channel) {
		if (this.idle.remove(channel)) {
			Tracked tracked = channel.attr(TRACKED).get();
			if (tracked != null && tracked.host != null) {
				this.idleByHost.computeIfPresent(tracked.host, (host, count) -> (count > 1) ? count - 1 : null);
			}
		}
	}

	/** Whether the host has an idle socket no acquire in progress counts on. */
	private boolean hasUnclaimedIdle(@Nullable SocketAddress host) {
		return host != null
				&& this.idleByHost.getOrDefault(host, 0) > this.claimedByHost.getOrDefault(host, 0);
	}

	private void claim(SocketAddress host) {
		this.claimedByHost.merge(host, 1, Integer::sum);
	}

	private void unclaim(SocketAddress host) {
		synchronized (this.lock) {
			this.claimedByHost.computeIfPresent(host, (key, count) -> (count > 1) ? count - 1 : null);
		}
	}

	/** Takes the oldest waiter of a host, if any. */
	private @Nullable Waiter takeWaiterFor(@Nullable SocketAddress host) {
		if (host == null) {
			return null;
		}
		Iterator<Waiter> it = this.waiters.iterator();
		while (it.hasNext()) {
			Waiter waiter = it.next();
			if (host.equals(waiter.host) && waiter.settled.compareAndSet(false, true)) {
				it.remove();
				return waiter;
			}
		}
		return null;
	}

	/** Claims an idle socket of the host, or takes a permit if one is free and nobody waits for one. */
	private @Nullable Ticket tryTake(@Nullable SocketAddress host) {
		synchronized (this.lock) {
			if (hasUnclaimedIdle(host)) {
				claim(host);
				return new Ticket(host);
			}
			if (this.waiters.isEmpty() && this.sockets + this.acquiring < this.max) {
				this.acquiring++;
				return new Ticket(null);
			}
			return null;
		}
	}

	/**
	 * The idle socket to close for a waiter, taken out of the idle set: one of the host with the
	 * most idle sockets nobody claims (the oldest of that host's), so that the sockets left follow
	 * where the calls go and a host's last idle socket is the last to go.
	 */
	private @Nullable Channel pollVictim() {
		Channel victim = null;
		int most = 0;
		for (Channel channel : this.idle) {
			Tracked tracked = channel.attr(TRACKED).get();
			SocketAddress host = (tracked != null) ? tracked.host : null;
			int unclaimed = (host != null)
					? this.idleByHost.getOrDefault(host, 0) - this.claimedByHost.getOrDefault(host, 0) : 1;
			if (unclaimed > most) {
				victim = channel;
				most = unclaimed;
			}
		}
		if (victim != null) {
			removeIdle(victim);
		}
		return victim;
	}

	/** Closes an idle socket to free a permit for the waiters, on the socket's event loop. */
	private void evictForWaiters() {
		Channel victim;
		synchronized (this.lock) {
			victim = this.waiters.isEmpty() ? null : pollVictim();
		}
		if (victim != null) {
			victim.eventLoop().execute(() -> closeIfIdle(victim));
		}
	}

	private void closeIfIdle(Channel victim) {
		boolean idle;
		synchronized (this.lock) {
			Tracked tracked = victim.attr(TRACKED).get();
			idle = tracked != null && tracked.holders == 0;
		}
		if (idle) {
			victim.close();
		}
		else {
			// The pool handed it to a call meanwhile: that call keeps it, another one goes.
			evictForWaiters();
		}
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
			next.grant(new Ticket(null));
		}
	}

	private Mono<Ticket> ticket(@Nullable SocketAddress host) {
		return Mono.defer(() -> {
			Ticket now = tryTake(host);
			if (now != null) {
				return Mono.just(now);
			}
			Mono<Ticket> waiting = Mono.create(sink -> {
				Waiter waiter = new Waiter(sink, host);
				synchronized (this.lock) {
					this.waiters.add(waiter);
				}
				sink.onCancel(() -> {
					if (waiter.settled.compareAndSet(false, true)) {
						synchronized (this.lock) {
							this.waiters.remove(waiter);
						}
					}
					else {
						// Granted first (a timeout can cancel a grant on its way): what was granted
						// and never taken is given back, so no permit or claim is lost.
						waiter.cancelled();
					}
				});
				evictForWaiters();
				drain();
			});
			long millis = this.pendingAcquireTimeout.toMillis();
			return waiting.timeout(this.pendingAcquireTimeout,
					Mono.error(() -> new TimeoutException("no connection free within " + millis + "ms: all "
							+ this.max + " connections of the client (maxConnectionsTotal) are busy (connectTimeout)")));
		});
	}

	/**
	 * What lets an acquire go ahead: a permit for a new socket, or a claim on a host's idle socket.
	 * Taken once: by the acquire it was given to, or given back by a waiter cancelled while it was
	 * granted.
	 */
	private final class Ticket {

		final @Nullable SocketAddress claimed;

		private final AtomicBoolean taken = new AtomicBoolean();

		private Ticket(@Nullable SocketAddress claimed) {
			this.claimed = claimed;
		}

		/** Takes the ticket for an acquire; {@code false} when it was given back already. */
		boolean take() {
			return this.taken.compareAndSet(false, true);
		}

		/** Gives the permit or claim back (an acquire that took the ticket, when it ends). */
		void giveBack() {
			if (this.claimed != null) {
				unclaim(this.claimed);
			}
			else {
				TotalConnectionCap.this.giveBack();
			}
		}

		/** Gives the permit or claim back unless an acquire took it. */
		void giveBackIfUntaken() {
			if (take()) {
				giveBack();
			}
		}

	}

	/** The cap's view of one socket. */
	private static final class Tracked {

		final TotalConnectionCap cap;

		/** The host asked for when the socket was first delivered. */
		@Nullable SocketAddress host;

		/** The calls holding it (0 or 1 but for a moment: see {@link #onTaken(Channel)}). */
		int holders;

		Tracked(TotalConnectionCap cap) {
			this.cap = cap;
		}

	}

	private static final class Waiter {

		final MonoSink<Ticket> sink;

		final @Nullable SocketAddress host;

		/** Set once, by the grant or by the cancel. */
		final AtomicBoolean settled = new AtomicBoolean();

		private volatile @Nullable Ticket granted;

		private volatile boolean cancelled;

		Waiter(MonoSink<Ticket> sink, @Nullable SocketAddress host) {
			this.sink = sink;
			this.host = host;
		}

		/** Hands a ticket to the waiter, which {@link #settled} for the grant. */
		void grant(Ticket ticket) {
			this.granted = ticket;
			this.sink.success(ticket);
			if (this.cancelled) {
				ticket.giveBackIfUntaken();
			}
		}

		/** The waiter was cancelled after it was settled for a grant. */
		void cancelled() {
			this.cancelled = true;
			Ticket ticket = this.granted;
			if (ticket != null) {
				ticket.giveBackIfUntaken();
			}
		}

	}

	private void tagHost(Channel channel, @Nullable SocketAddress host) {
		Tracked tracked = tracked(channel);
		if (tracked != null && host != null) {
			synchronized (this.lock) {
				tracked.host = host;
			}
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
			SocketAddress host = (remoteAddress != null) ? remoteAddress.get() : null;
			return ticket(host).flatMap(ticket -> {
				if (!ticket.take()) {
					// Given back by a cancel that came with it: this acquire is cancelled too.
					return Mono.empty();
				}
				// A new socket is counted by onChannelInit while a permit is held; once the
				// connection is delivered (or the acquire ends) the permit or claim is free again.
				return this.delegate.acquire(config, connectionObserver, (remoteAddress != null) ? () -> host : null, resolverGroup)
					.doOnNext(connection -> tagHost(connection.channel(), host))
					.doFinally(signal -> ticket.giveBack());
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
