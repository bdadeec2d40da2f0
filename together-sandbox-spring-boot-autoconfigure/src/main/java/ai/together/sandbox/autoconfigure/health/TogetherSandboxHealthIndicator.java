package ai.together.sandbox.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveTogetherSandbox;
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
 * management API with a client that never retries and a short timeout:
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

	/**
	 * Creates the indicator.
	 * @param client the client to check with; it should not retry and should time out after
	 * {@code timeout} (for example
	 * {@code client.withOptions((o) -> o.retry(RetryConfig.disabled()).responseTimeout(timeout))}),
	 * and is closed with the indicator
	 * @param timeout the timeout of each call
	 * @param sandboxIds the ids of the sandboxes to report on
	 */
	public TogetherSandboxHealthIndicator(ReactiveTogetherSandbox client, Duration timeout, List<String> sandboxIds) {
		super("Together Sandbox health check failed");
		this.client = Objects.requireNonNull(client, "client");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		this.sandboxIds = List.copyOf(sandboxIds);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("baseUrl", this.client.baseUrl());
		try {
			this.client.sandboxes().list().then().block(guard());
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
				.withDetail("hint", "Check together.sandbox.base-url (the origin of the management API, without"
						+ " /api/v1)");
		}
	}

	private Mono<SandboxHealth> checkSandbox(String id) {
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
		}).onErrorResume(HttpException.class, (ex) -> {
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
			// An id the client rejects before any request (for example an empty one).
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("error", ex.getMessage());
			return Mono.just(new SandboxHealth(id, details, true));
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
		return Mono
			.using(() -> this.client.sandboxes().connect(info), (sandbox) -> sandbox.ports().list().then(),
					ReactiveSandbox::close)
			.thenReturn(Map.<String, Object>of("agent", "reachable"))
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
