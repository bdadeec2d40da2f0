package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.SandboxFilter;
import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.current.Termination;
import ai.together.sandbox.internal.util.Blocking;

/**
 * The sandboxes of the current API generation ({@code /v1}), in the blocking style: obtain it
 * from {@code sdk.current().sandboxes()}. The blocking view of {@link ReactiveSandboxFleet}; see
 * there for operation names and retries.
 * <pre>{@code
 * try (RunningSandbox sandbox = sdk.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("my-app@v1")
 *         .ttl(Duration.ofHours(1)).tag("env", "dev").build())) {
 *     ...
 * }
 * for (SandboxDetails each : sdk.current().sandboxes().list(SandboxFilter.builder().tag("env", "dev").build())) {
 *     ...
 * }
 * }</pre>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxFleet {

	private final ReactiveSandboxFleet reactive;

	SandboxFleet(ReactiveSandboxFleet reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Creates a sandbox, waits until it runs and connects to it.
	 * @param spec what to create
	 * @return the connected sandbox
	 */
	public RunningSandbox create(SandboxSpec spec) {
		return Blocking.value(this.reactive.create(spec)).blocking();
	}

	/**
	 * Gets a sandbox.
	 * @param sandboxId the sandbox id (a UUID)
	 * @return the sandbox
	 */
	public SandboxDetails get(String sandboxId) {
		return Blocking.value(this.reactive.get(sandboxId));
	}

	/**
	 * Lists the first page of the project's sandboxes; iterating the page walks all pages.
	 * @return the first page
	 */
	public Page<SandboxDetails> list() {
		return list(SandboxFilter.all());
	}

	/**
	 * Lists a page of the project's sandboxes matching a filter; iterating the page walks all
	 * later pages.
	 * @param filter the filter, page size and cursor
	 * @return the page
	 */
	public Page<SandboxDetails> list(SandboxFilter filter) {
		return Blocking.value(this.reactive.list(filter)).blocking();
	}

	/**
	 * Gets several sandboxes in one request.
	 * @param sandboxIds 1 to 100 distinct sandbox ids
	 * @return the sandboxes found, in the order asked for; unknown ids are left out
	 */
	public List<SandboxDetails> batchGet(List<String> sandboxIds) {
		return Blocking.value(this.reactive.batchGet(sandboxIds));
	}

	/**
	 * Terminates a sandbox as its termination policy says and waits until it has terminated.
	 * @param sandboxId the sandbox id
	 * @return the terminated sandbox
	 */
	public SandboxDetails terminate(String sandboxId) {
		return Blocking.value(this.reactive.terminate(sandboxId));
	}

	/**
	 * Terminates a sandbox and waits until it has terminated.
	 * @param sandboxId the sandbox id
	 * @param termination whether to snapshot: as configured, without or with a snapshot
	 * @return the terminated sandbox
	 */
	public SandboxDetails terminate(String sandboxId, Termination termination) {
		return Blocking.value(this.reactive.terminate(sandboxId, termination));
	}

	/**
	 * Waits on the server until a sandbox has settled.
	 * @param sandboxId the sandbox id
	 * @return the sandbox at a settled status
	 */
	public SandboxDetails waitFor(String sandboxId) {
		return Blocking.value(this.reactive.waitFor(sandboxId));
	}

	/**
	 * Connects to a running sandbox: gets it once for its agent connection details.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 */
	public RunningSandbox connect(String sandboxId) {
		return Blocking.value(this.reactive.connect(sandboxId)).blocking();
	}

	/**
	 * Connects to a running sandbox from what the management API reported, without I/O.
	 * @param details the sandbox
	 * @return the connected sandbox
	 */
	public RunningSandbox connect(SandboxDetails details) {
		return this.reactive.connect(details).blocking();
	}

	/**
	 * Returns the reactive namespace this view blocks on.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxFleet reactive() {
		return this.reactive;
	}

}
