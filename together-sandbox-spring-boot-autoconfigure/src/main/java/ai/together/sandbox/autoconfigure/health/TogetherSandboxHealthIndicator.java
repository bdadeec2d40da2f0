package ai.together.sandbox.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.ReactiveRunningSandbox;
import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties.ApiGeneration;
import ai.together.sandbox.current.LifecycleStatus;
import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.SandboxFilter;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.observation.DefaultTogetherSandboxClientObservationConvention;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} of the Together Sandbox client. It lists the sandboxes through the
 * management API of its {@linkplain ApiGeneration API generation} (the seed's
 * {@code GET /api/v1/sandboxes}, or the current {@code GET /v1/sandboxes?limit=1}) with a client
 * that never retries and a short timeout:
 * <ul>
 * <li>a success is UP;</li>
 * <li>401 or 403 (the API key was rejected) and any other failure are DOWN, with a hint;</li>
 * <li>429 and 5xx (the service is degraded or throttling) are OUT_OF_SERVICE.</li>
 * </ul>
 * For each configured sandbox id it then reports the sandbox's status and, when it is running,
 * whether its agent answers (it lists the sandbox's ports with the agent token the management API
 * reported). It never starts or wakes a sandbox. A configured sandbox that is missing, cannot be read, or runs with an agent
 * that does not answer makes the health OUT_OF_SERVICE. No detail holds the API key or an agent
 * token.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class TogetherSandboxHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

	private final ReactiveTogetherSandbox client;

	private final Duration timeout;

	private final List<String> sandboxIds;

	private final ApiGeneration generation;

	/**
	 * Creates the indicator that checks through the seed generation's management API.
	 * @param client the client to check with; it should not retry and should time out after
	 * {@code timeout} (for example
	 * {@code client.withOptions((o) -> o.retry(RetryConfig.disabled()).responseTimeout(timeout))}),
	 * and is closed with the indicator
	 * @param timeout the timeout of each call
	 * @param sandboxIds the ids of the sandboxes to report on
	 */
	public TogetherSandboxHealthIndicator(ReactiveTogetherSandbox client, Duration timeout, List<String> sandboxIds) {
		this(client, timeout, sandboxIds, ApiGeneration.SEED);
	}

	/**
	 * Creates the indicator that checks through the management API of the given generation.
	 * @param client the client to check with; it should not retry and should time out after
	 * {@code timeout} (for example
	 * {@code client.withOptions((o) -> o.retry(RetryConfig.disabled()).responseTimeout(timeout))}),
	 * and is closed with the indicator
	 * @param timeout the timeout of each call
	 * @param sandboxIds the ids of the sandboxes to report on, of that generation
	 * @param generation the API generation whose management API and sandboxes are checked
	 */
	public TogetherSandboxHealthIndicator(ReactiveTogetherSandbox client, Duration timeout, List<String> sandboxIds,
			ApiGeneration generation) {
		super("Together Sandbox health check failed");
		this.client = Objects.requireNonNull(client, "client");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		this.sandboxIds = List.copyOf(sandboxIds);
		this.generation = Objects.requireNonNull(generation, "generation");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("baseUrl", this.client.baseUrl());
		builder.withDetail("apiGeneration", this.generation.name().toLowerCase(Locale.ROOT));
		try {
			listSandboxes().block(guard());
		}
		catch (HttpException ex) {
			describeFailure(builder, ex);
			return;
		}
		builder.up();
		if (this.sandboxIds.isEmpty()) {
			return;
		}
		List<SandboxHealth> sandboxes = Flux.fromIterable(this.sandboxIds)
			.flatMapSequential(this::checkSandbox)
			.collectList()
			.block(guard().multipliedBy(2));
		Map<String, Object> details = new LinkedHashMap<>();
		boolean degraded = false;
		for (SandboxHealth sandbox : Objects.requireNonNull(sandboxes)) {
			details.put(sandbox.id(), sandbox.details());
			degraded |= sandbox.degraded();
		}
		builder.withDetail("sandboxes", details);
		if (degraded) {
			builder.outOfService();
		}
	}

	private Mono<Void> listSandboxes() {
		if (this.generation == ApiGeneration.CURRENT) {
			// One sandbox is enough to know the key and the service work: the page is small.
			return this.client.current().sandboxes().list(SandboxFilter.builder().limit(1).build()).then();
		}
		return this.client.sandboxes().list().then();
	}

	private void describeFailure(Health.Builder builder, HttpException ex) {
		int status = ex.status();
		if (status == HttpException.TRANSPORT_FAILURE) {
			builder.down().withDetail("error", ex.getMessage());
			return;
		}
		builder.withDetail("statusCode", status);
		if (status == 401 || status == 403) {
			builder.down()
				.withDetail("hint", "The API key was rejected (HTTP " + status
						+ "): check together.sandbox.api-key or the TOGETHER_API_KEY environment variable");
		}
		else if (status == 429 || (status >= 500 && status < 600)) {
			builder.outOfService().withDetail("error", ex.getMessage());
		}
		else {
			builder.down()
				.withDetail("error", ex.getMessage())
				.withDetail("hint", "Check together.sandbox.base-url (the origin of the management API, without "
						+ this.generation.managementPath() + ") and together.sandbox.api-generation");
		}
	}

	private Mono<SandboxHealth> checkSandbox(String id) {
		Mono<SandboxHealth> check = (this.generation == ApiGeneration.CURRENT) ? checkCurrentSandbox(id)
				: checkSeedSandbox(id);
		return check.onErrorResume(HttpException.class, (ex) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			if (ex.status() == 404) {
				details.put("status", "not found");
			}
			else {
				details.put("error", ex.getMessage());
			}
			if (ex.status() != HttpException.TRANSPORT_FAILURE) {
				details.put("statusCode", ex.status());
			}
			return Mono.just(new SandboxHealth(id, details, true));
		}).onErrorResume(IllegalArgumentException.class, (ex) -> {
			// An id the client rejects before any request (for example an empty one, or one
			// that is not a UUID for the current generation).
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("error", ex.getMessage());
			return Mono.just(new SandboxHealth(id, details, true));
		});
	}

	private Mono<SandboxHealth> checkCurrentSandbox(String id) {
		return this.client.current().sandboxes().get(id).flatMap((sandbox) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("status", sandbox.status().value());
			details.put("statusReason", sandbox.statusReason().value());
			if (!LifecycleStatus.RUNNING.equals(sandbox.status())) {
				// Only a running sandbox has an agent to ask.
				return Mono.just(new SandboxHealth(id, details, false));
			}
			return checkCurrentAgent(sandbox).map((agent) -> {
				details.putAll(agent);
				return new SandboxHealth(id, details, !"reachable".equals(agent.get("agent")));
			});
		});
	}

	private Mono<SandboxHealth> checkSeedSandbox(String id) {
		return this.client.sandboxes().get(id).flatMap((info) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("status", info.status().value());
			if (!SandboxStatus.RUNNING.equals(info.status())) {
				// Reaching the agent of a stopped sandbox could wake it; report the status only.
				return Mono.just(new SandboxHealth(id, details, false));
			}
			return checkAgent(info).map((agent) -> {
				details.putAll(agent);
				return new SandboxHealth(id, details, !"reachable".equals(agent.get("agent")));
			});
		});
	}

	private Mono<Map<String, Object>> checkAgent(SandboxInfo info) {
		String agentUrl = info.agentUrl();
		String agentToken = info.agentToken();
		if (agentUrl == null || agentUrl.isBlank() || agentToken == null || agentToken.isBlank()) {
			return Mono.just(Map.of("agent", "unknown"));
		}
		// Attaching needs no I/O; the handle holds nothing the sandbox needs, and closing it
		// leaves the sandbox running.
		return agentAnswer(Mono.using(() -> this.client.sandboxes().connect(info),
				(sandbox) -> sandbox.ports().list().then(), ReactiveSandbox::close));
	}

	private Mono<Map<String, Object>> checkCurrentAgent(SandboxDetails sandbox) {
		String agentUrl = sandbox.agent().url();
		String agentToken = sandbox.agent().token();
		if (agentUrl == null || agentUrl.isBlank() || agentToken == null || agentToken.isBlank()) {
			return Mono.just(Map.of("agent", "unknown"));
		}
		// As for the seed: connecting needs no I/O, and closing the handle leaves the sandbox running.
		return agentAnswer(Mono.using(() -> this.client.current().sandboxes().connect(sandbox),
				(running) -> running.ports().list().then(), ReactiveRunningSandbox::close));
	}

	private static Mono<Map<String, Object>> agentAnswer(Mono<Void> call) {
		return call.thenReturn(Map.<String, Object>of("agent", "reachable"))
			.onErrorResume(HttpException.class, (ex) -> {
				Map<String, Object> agent = new LinkedHashMap<>();
				agent.put("agent", "unreachable");
				if (ex.status() == HttpException.TRANSPORT_FAILURE) {
					agent.put("agentError", DefaultTogetherSandboxClientObservationConvention.exceptionOf(ex));
				}
				else {
					agent.put("agentStatusCode", ex.status());
				}
				return Mono.just(agent);
			});
	}

	private Duration guard() {
		// The calls time out by themselves; this only bounds a call that never completes.
		return this.timeout.plusSeconds(1);
	}

	/**
	 * Closes the client used by the check (a client derived with {@code withOptions} leaves the
	 * connections it shares open).
	 */
	@Override
	public void close() {
		this.client.close();
	}

	private record SandboxHealth(String id, Map<String, Object> details, boolean degraded) {
	}

}
