package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.internal.util.Blocking;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.CreateSnapshotResult;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotInfo;

/**
 * Snapshots in the blocking style: the blocking view of {@link ReactiveSnapshots}, which
 * describes the behaviour in full. Obtain it from {@code TogetherSandbox.snapshots()}.
 * <pre>{@code
 * CreateSnapshotResult result = sdk.snapshots().create(ContextSnapshotParams.builder(Path.of("./my-app"))
 *     .alias("my-app@v1")
 *     .onProgress(event -> System.out.println(event.output()))
 *     .build());
 * SandboxInfo info = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(result.snapshotId()));
 * }</pre>
 * Interrupting the calling thread during a remote build cancels the build.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Snapshots {

	private final ReactiveSnapshots reactive;

	Snapshots(ReactiveSnapshots reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Registers an existing public Docker image as a snapshot and assigns the alias, if any.
	 * @param params the image and alias
	 * @return the snapshot id and alias
	 */
	public CreateSnapshotResult create(ImageSnapshotParams params) {
		return Blocking.value(this.reactive.create(params));
	}

	/**
	 * Builds an image from a Docker build context (remotely by default), registers it as a
	 * snapshot and assigns the alias, if any.
	 * @param params the context, Dockerfile, alias and build mode
	 * @return the snapshot id and alias
	 * @throws SnapshotBuildException when the build fails
	 */
	public CreateSnapshotResult create(ContextSnapshotParams params) {
		return Blocking.value(this.reactive.create(params));
	}

	/**
	 * Assigns an alias to a snapshot.
	 * @param snapshotId the snapshot id (a UUID)
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 */
	public void alias(String snapshotId, String alias) {
		Blocking.await(this.reactive.alias(snapshotId, alias));
	}

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	public SnapshotInfo getById(String snapshotId) {
		return Blocking.value(this.reactive.getById(snapshotId));
	}

	/**
	 * Gets a snapshot by alias (sent as given).
	 * @param alias the alias
	 * @return the snapshot
	 */
	public SnapshotInfo getByAlias(String alias) {
		return Blocking.value(this.reactive.getByAlias(alias));
	}

	/**
	 * Lists the snapshots of the API key's project.
	 * @return the snapshots
	 */
	public List<SnapshotInfo> list() {
		return Blocking.value(this.reactive.list().collectList());
	}

	/**
	 * Deletes a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 */
	public void deleteById(String snapshotId) {
		Blocking.await(this.reactive.deleteById(snapshotId));
	}

	/**
	 * Deletes a snapshot by alias; leading {@code @} characters are removed first.
	 * @param alias the alias
	 */
	public void deleteByAlias(String alias) {
		Blocking.await(this.reactive.deleteByAlias(alias));
	}

	/**
	 * Issues a short-lived credential for the project's container registry.
	 * @return the credential
	 */
	public ContainerRegistryCredential issueRegistryCredential() {
		return Blocking.value(this.reactive.issueRegistryCredential());
	}

	/**
	 * Returns the reactive namespace this view blocks on.
	 * @return the reactive namespace
	 */
	public ReactiveSnapshots reactive() {
		return this.reactive;
	}

}
