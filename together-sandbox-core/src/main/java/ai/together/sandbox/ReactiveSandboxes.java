package ai.together.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.errors.SandboxLifecycleException;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.sandboxes.SandboxStatus;
import ai.together.sandbox.sandboxes.StopType;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * Sandbox lifecycle through the management API, in the reactive style. Obtain it from
 * {@code ReactiveTogetherSandbox.sandboxes()}. Nothing is sent until a returned publisher is
 * subscribed to; every call is retried according to the client's {@code RetryConfig}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxes {

	private static final Json.LazyType SANDBOX_LIST = Json.listOf(SandboxInfo.class);

	private final ClientContext context;

	ReactiveSandboxes(ClientContext context) {
		this.context = Objects.requireNonNull(context, "context");
	}

	/**
	 * Creates a sandbox record from a snapshot. Does not start the VM: call {@link #start(String)}
	 * with the returned id afterwards.
	 * @param request what to create
	 * @return the created sandbox (status {@code created})
	 */
	public Mono<SandboxInfo> create(CreateSandboxRequest request) {
		Args.notNull(request, "request");
		ApiCall call = this.context.management("sandboxes.create", null, HttpMethod.POST, "/sandboxes").withJson(request);
		return this.context.transport().call(call, SandboxInfo.class);
	}

	/**
	 * Starts the VM of a sandbox, waits until it settles and connects to it.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException (through the Mono) when the sandbox does not settle as
	 * {@code running} or has no agent connection details
	 */
	public Mono<ReactiveSandbox> start(String sandboxId) {
		return start(sandboxId, null);
	}

	/**
	 * Starts a specific VM version of a sandbox, waits until it settles and connects to it.
	 * @param sandboxId the sandbox id
	 * @param versionNumber the VM version to start (at least 1), or {@code null} for the current
	 * one
	 * @return the connected sandbox
	 */
	public Mono<ReactiveSandbox> start(String sandboxId, @Nullable Integer versionNumber) {
		return start(sandboxId, versionNumber, null);
	}

	Mono<ReactiveSandbox> start(String sandboxId, @Nullable Integer versionNumber, @Nullable AutoCloseable owner) {
		Args.sandboxId(sandboxId, "sandboxId");
		if (versionNumber != null && versionNumber < 1) {
			throw new IllegalArgumentException("versionNumber must be at least 1, was " + versionNumber);
		}
		ApiCall call = sandboxCall("sandboxes.start", HttpMethod.POST, sandboxId, "/start");
		if (versionNumber != null) {
			call = call.withJson(Map.of("version_number", versionNumber));
		}
		// The start response is not used: the wait response is the settled state (PROTOCOL §2.5).
		return this.context.transport()
			.call(call)
			.then(waitFor(sandboxId))
			.map((info) -> connect(sandboxId, info, owner));
	}

	/**
	 * Reattaches to a sandbox that is already running (started earlier, by this process or
	 * another), without starting it again: gets the sandbox once for its agent connection
	 * details. Closing the returned sandbox does not stop it either.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException (through the Mono) when the sandbox is not running or has
	 * no agent connection details: start it with {@link #start(String)}
	 */
	public Mono<ReactiveSandbox> connect(String sandboxId) {
		return get(sandboxId).map((info) -> attach(sandboxId, info, null));
	}

	/**
	 * Reattaches to a running sandbox from what the management API reported about it (for
	 * example a {@link #get(String)} or {@link #list()} result), without any I/O and without
	 * starting it again. Closing the returned sandbox does not stop it.
	 * @param info the sandbox, with status {@code running} and its agent URL and token
	 * @return the connected sandbox
	 * @throws SandboxLifecycleException when the sandbox is not running or has no agent
	 * connection details: start it with {@link #start(String)}
	 */
	public ReactiveSandbox connect(SandboxInfo info) {
		Args.notNull(info, "info");
		return attach(info.id(), info, null);
	}

	/**
	 * Hibernates a sandbox (suspends the VM, keeping its memory for a fast resume) and waits
	 * until it has stopped.
	 * @param sandboxId the sandbox id
	 * @return the settled sandbox
	 */
	public Mono<SandboxInfo> hibernate(String sandboxId) {
		return stop(sandboxId, StopType.HIBERNATE, "sandboxes.hibernate", "hibernate");
	}

	/**
	 * Shuts a sandbox down and waits until it has stopped.
	 * @param sandboxId the sandbox id
	 * @return the settled sandbox
	 */
	public Mono<SandboxInfo> shutdown(String sandboxId) {
		return stop(sandboxId, StopType.SHUTDOWN, "sandboxes.shutdown", "stop");
	}

	/**
	 * Gets a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox
	 */
	public Mono<SandboxInfo> get(String sandboxId) {
		Args.sandboxId(sandboxId, "sandboxId");
		ApiCall call = sandboxCall("sandboxes.get", HttpMethod.GET, sandboxId, "");
		return this.context.transport().call(call, SandboxInfo.class);
	}

	/**
	 * Lists the sandboxes of the API key's project.
	 * @return the sandboxes
	 */
	public Flux<SandboxInfo> list() {
		ApiCall call = this.context.management("sandboxes.list", null, HttpMethod.GET, "/sandboxes");
		return this.context.transport()
			.call(call, (status, body) -> Json.<List<SandboxInfo>>read(body, SANDBOX_LIST))
			.flatMapIterable((sandboxes) -> sandboxes);
	}

	/**
	 * Deletes a sandbox.
	 * @param sandboxId the sandbox id
	 * @return completion
	 */
	public Mono<Void> delete(String sandboxId) {
		Args.sandboxId(sandboxId, "sandboxId");
		ApiCall call = sandboxCall("sandboxes.delete", HttpMethod.DELETE, sandboxId, "");
		return this.context.transport().call(call);
	}

	private Mono<SandboxInfo> stop(String sandboxId, StopType type, String operation, String verb) {
		Args.sandboxId(sandboxId, "sandboxId");
		ApiCall call = sandboxCall(operation, HttpMethod.POST, sandboxId, "/stop").withJson(Map.of("stop_type", type.value()));
		return this.context.transport()
			.call(call)
			.then(waitFor(sandboxId))
			.map((info) -> requireStatus(sandboxId, info, SandboxStatus.STOPPED, verb));
	}

	private Mono<SandboxInfo> waitFor(String sandboxId) {
		ApiCall call = sandboxCall("sandboxes.wait", HttpMethod.POST, sandboxId, "/wait").withTimeout(this.context.lifecycleTimeout(), "lifecycleTimeout");
		return this.context.transport().call(call, SandboxInfo.class);
	}

	/**
	 * Checks that a started sandbox runs and can be reached, and connects to it.
	 * @param sandboxId the sandbox id
	 * @param info the settled state
	 * @param owner what the sandbox closes along with itself, or {@code null}
	 * @return the connected sandbox
	 */
	ReactiveSandbox connect(String sandboxId, SandboxInfo info, @Nullable AutoCloseable owner) {
		requireStatus(sandboxId, info, SandboxStatus.RUNNING, "start");
		requireAgent(sandboxId, info, "");
		return new ReactiveSandbox(this, this.context, info, owner);
	}

	/**
	 * Connects to a sandbox reported as running, without starting it.
	 * @param sandboxId the sandbox id
	 * @param info what the management API reported
	 * @param owner what the sandbox closes along with itself, or {@code null}
	 * @return the connected sandbox
	 */
	private ReactiveSandbox attach(String sandboxId, SandboxInfo info, @Nullable AutoCloseable owner) {
		String startIt = "; start it with sandboxes().start(" + Repr.quote(sandboxId) + ")";
		if (!SandboxStatus.RUNNING.equals(info.status())) {
			throw new SandboxLifecycleException("Cannot connect to sandbox " + Repr.quote(sandboxId) + ": its status is "
					+ info.status().value() + ", not running" + startIt, sandboxId, info.status().value());
		}
		requireAgent(sandboxId, info, startIt);
		return new ReactiveSandbox(this, this.context, info, owner);
	}

	private static void requireAgent(String sandboxId, SandboxInfo info, String advice) {
		if (info.agentUrl() == null || info.agentUrl().isBlank() || info.agentToken() == null
				|| info.agentToken().isBlank()) {
			throw new SandboxLifecycleException(
					"Sandbox " + Repr.quote(sandboxId) + " has no agent connection details" + advice, sandboxId,
					info.status().value());
		}
	}

	private static SandboxInfo requireStatus(String sandboxId, SandboxInfo info, SandboxStatus expected,
			String verb) {
		if (!expected.equals(info.status())) {
			throw new SandboxLifecycleException("Failed to " + verb + " sandbox " + Repr.quote(sandboxId)
					+ ". Its final status was " + info.status().value() + ".", sandboxId, info.status().value());
		}
		return info;
	}

	/**
	 * A management call about one sandbox: {@code /sandboxes/{id}<rest>}, with the seed's
	 * context string and the sandbox id for observations.
	 */
	private ApiCall sandboxCall(String operation, HttpMethod method, String sandboxId, String rest) {
		return this.context
			.management(operation, Repr.context("sandbox", sandboxId), method,
					"/sandboxes/" + PathEncoder.segment(sandboxId) + rest)
			.withSandboxId(sandboxId);
	}

}
