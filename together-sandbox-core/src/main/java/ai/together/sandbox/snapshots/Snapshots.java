package ai.together.sandbox.snapshots;

import java.util.List;

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
public interface Snapshots {

	/**
	 * Registers an existing public Docker image as a snapshot and assigns the alias, if any.
	 * @param params the image and alias
	 * @return the snapshot id and alias
	 */
	CreateSnapshotResult create(ImageSnapshotParams params);

	/**
	 * Builds an image from a Docker build context (remotely by default), registers it as a
	 * snapshot and assigns the alias, if any.
	 * @param params the context, Dockerfile, alias and build mode
	 * @return the snapshot id and alias
	 * @throws SnapshotBuildException when the build fails
	 */
	CreateSnapshotResult create(ContextSnapshotParams params);

	/**
	 * Assigns an alias to a snapshot.
	 * @param snapshotId the snapshot id (a UUID)
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 */
	void alias(String snapshotId, String alias);

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	SnapshotInfo getById(String snapshotId);

	/**
	 * Gets a snapshot by alias (sent as given).
	 * @param alias the alias
	 * @return the snapshot
	 */
	SnapshotInfo getByAlias(String alias);

	/**
	 * Lists the snapshots of the API key's project.
	 * @return the snapshots
	 */
	List<SnapshotInfo> list();

	/**
	 * Deletes a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 */
	void deleteById(String snapshotId);

	/**
	 * Deletes a snapshot by alias; leading {@code @} characters are removed first.
	 * @param alias the alias
	 */
	void deleteByAlias(String alias);

	/**
	 * Issues a short-lived credential for the project's container registry.
	 * @return the credential
	 */
	ContainerRegistryCredential issueRegistryCredential();

	/**
	 * Returns the reactive namespace this view blocks on.
	 * @return the reactive namespace
	 */
	ReactiveSnapshots reactive();

}
