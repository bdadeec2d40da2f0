package ai.together.sandbox;

import java.util.Objects;

import ai.together.sandbox.internal.util.Blocking;

/**
 * The current API generation of Together Sandbox (upstream 3.2.0 and later, management API
 * under {@code /v1}), in the blocking style: {@code sdk.current()}. It runs over the same client
 * as the seed's generation ({@code sdk.sandboxes()}, under {@code /api/v1}); picking it is
 * choosing these namespaces, not a client mode. The blocking view of {@link ReactiveCurrentApi}.
 * <pre>{@code
 * CurrentApi api = sdk.current();
 * try (RunningSandbox sandbox = api.sandboxes().create(SandboxSpec.fromSnapshotAlias("my-app@v1").build())) {
 *     sandbox.files().create("/workspace/hello.txt", "hi");
 *     sandbox.terminate(Termination.withSnapshot(TerminationSnapshot.builder().alias("my-app@next").build()));
 * }
 * }</pre>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class CurrentApi {

	private final ReactiveCurrentApi reactive;

	private final SandboxFleet sandboxes;

	private final SnapshotCatalog snapshots;

	CurrentApi(ReactiveCurrentApi reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
		this.sandboxes = new SandboxFleet(reactive.sandboxes());
		this.snapshots = new SnapshotCatalog(reactive.snapshots());
	}

	/**
	 * Sandboxes: create (running, connected), get, list in pages, batch get, terminate, wait.
	 * @return the sandboxes namespace
	 */
	public SandboxFleet sandboxes() {
		return this.sandboxes;
	}

	/**
	 * Snapshots: register, get by id or alias, list in pages, batch get, retire, aliases,
	 * registry credentials.
	 * @return the snapshots namespace
	 */
	public SnapshotCatalog snapshots() {
		return this.snapshots;
	}

	/**
	 * Checks that the API key may act on a project.
	 * @param projectId the project
	 */
	public void authorize(String projectId) {
		Blocking.await(this.reactive.authorize(projectId));
	}

	/**
	 * Returns the reactive view this one blocks on.
	 * @return the reactive view
	 */
	public ReactiveCurrentApi reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "CurrentApi[" + this.reactive + "]";
	}

}
