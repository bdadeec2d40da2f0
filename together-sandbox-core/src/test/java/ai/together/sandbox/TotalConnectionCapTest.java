package ai.together.sandbox;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.retry.RetryConfig;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The total connection cap of the client's own pool: loopback servers, one per "sandbox agent"
 * (each its own port, so its own host for Reactor Netty), count the connections they accepted
 * and have not seen closed.
 */
class TotalConnectionCapTest {

	/**
	 * One event-loop thread for every server: a close the client made before its next connect is
	 * then seen by the servers before that connect (on one thread, the closed socket's end of
	 * input is read before the new connection's registration task runs), so the count on the
	 * servers follows the client's order even on a busy machine.
	 */
	private static final LoopResources SERVER_LOOP = LoopResources.create("connection-cap-test", 1, 1, true);

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger maxOpen = new AtomicInteger();

	private final Set<Channel> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger received = new AtomicInteger();

	private final List<DisposableServer> servers = new ArrayList<>();

	private ClientContext context;

	@AfterAll
	static void disposeServerLoop() {
		SERVER_LOOP.disposeLater().block(Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.transport().close();
		}
		this.servers.forEach(DisposableServer::disposeNow);
	}

	private DisposableServer server(Duration delay) {
		DisposableServer server = HttpServer.create()
			.runOn(SERVER_LOOP)
			.host("127.0.0.1")
			.port(0)
			// Called for every request of a keep-alive connection: a socket counts once, until closed.
			.doOnConnection(connection -> {
				Channel channel = connection.channel();
				if (this.sockets.add(channel)) {
					this.maxOpen.accumulateAndGet(this.open.incrementAndGet(), Math::max);
					channel.closeFuture().addListener(future -> this.open.decrementAndGet());
				}
			})
			.handle((request, response) -> {
				this.received.incrementAndGet();
				return Mono.delay(delay).then(response.sendString(Mono.just("ok")).then());
			})
			.bindNow();
		this.servers.add(server);
		return server;
	}

	private HttpTransport transport(int total) {
		this.context = TogetherSandbox.builder()
			.apiKey("test-key")
			.baseUrl("http://127.0.0.1:1")
			.retry(RetryConfig.builder().maxAttempts(1).build())
			.maxConnections(100)
			.maxConnectionsTotal(total)
			.buildContext();
		return this.context.transport();
	}

	private static Mono<Void> get(HttpTransport transport, DisposableServer server) {
		URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
		return transport.call(ApiCall.of("test", null, HttpMethod.GET, uri, "token"));
	}

	@Test
	void fortyHostsShareEightSockets() {
		List<DisposableServer> hosts = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			hosts.add(server(Duration.ofMillis(50)));
		}
		HttpTransport transport = transport(8);
		// 3 calls to each host at once: 120 concurrent calls over 40 hosts.
		Long done = Flux.range(0, 120)
			.flatMap(i -> get(transport, hosts.get(i % 40)).thenReturn(1L), 120)
			.count()
			.block(Duration.ofSeconds(20));
		assertThat(done).isEqualTo(120L);
		assertThat(this.maxOpen.get()).as("sockets open at once on the servers").isLessThanOrEqualTo(8).isPositive();
	}

	/**
	 * Calls that reuse idle sockets while others wait for one: a socket the pool hands to a call
	 * must never be the one closed to free a permit, or a request the server received (and may
	 * have acted on: a POST of stdin) loses its response, and a retry would send it again. Twice
	 * as many calls at once as sockets: the calls over the cap wait; with one host they take the
	 * sockets its calls release, with two a waiter closes an idle socket of the other host while
	 * calls to that host take idle sockets from its pool.
	 */
	@ParameterizedTest(name = "{0} host(s)")
	@ValueSource(ints = { 1, 2 })
	void aSocketHandedToACallIsNeverClosedUnderIt(int hostCount) {
		List<DisposableServer> hosts = new ArrayList<>();
		for (int i = 0; i < hostCount; i++) {
			hosts.add(server(Duration.ZERO));
		}
		HttpTransport transport = transport(8);
		int calls = 5_000;
		List<Throwable> failures = Flux.range(0, calls)
			.flatMap(i -> get(transport, hosts.get(i % hostCount)).then(Mono.<Throwable>empty())
				.onErrorResume(Mono::just), 16)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(failures).as("calls that failed (no retry here)").isEmpty();
		assertThat(this.received.get()).as("requests the servers received").isEqualTo(calls);
		assertThat(this.maxOpen.get()).as("sockets open at once on the servers").isLessThanOrEqualTo(8);
	}

	@Test
	void anIdleSocketOfOneHostIsClosedForAnotherHost() {
		DisposableServer a = server(Duration.ZERO);
		DisposableServer b = server(Duration.ZERO);
		HttpTransport transport = transport(1);
		get(transport, a).block(Duration.ofSeconds(5));
		// A's socket stays open, idle in the pool.
		assertThat(this.open.get()).isEqualTo(1);
		get(transport, b).block(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.open.get()).isEqualTo(1));
		assertThat(this.maxOpen.get()).isEqualTo(1);
	}

}
