package ai.together.sandbox.snapshots;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Snapshots in the reactive style: create them from a public image or a Docker build context,
 * give them aliases, get, list and delete them. Obtain it from
 * {@code ReactiveTogetherSandbox.snapshots()}. Nothing is sent until a returned publisher is
 * subscribed to; management calls are retried according to the client's {@code RetryConfig}.
 * <p>
 * <b>Building from a context.</b> By default the image is built by Together's remote
 * image-builder service: the context is packed into a gzip-compressed tar (honouring
 * {@code .dockerignore} with gitignore semantics), uploaded, its build log is reported as
 * {@link SnapshotStep#BUILD} progress, and the image the service pushed is registered. This needs
 * <em>no</em> Docker installation (the Python SDK 1.8.0 still runs {@code docker --version} first;
 * this client does not). The builder's URL is derived from the client's configured base URL
 * ({@code api.bartender.} or {@code api.} becomes {@code builder.}; other hosts, such as a local
 * emulator, are used as they are), not only from {@code TOGETHER_BASE_URL} as in the Python SDK.
 * The architecture is {@code TOGETHER_REMOTE_ARCHITECTURE} ({@code amd64} or {@code arm64},
 * default {@code amd64}), checked before anything is sent. The upload and the status call are
 * retried with the default {@code RetryConfig} whatever the client's configuration; the log
 * stream is re-opened when it drops. Cancelling the subscription while the build runs cancels
 * the remote build.
 * <p>
 * With {@link SnapshotBuildMode#LOCAL} (or {@code TOGETHER_LOCAL_BUILD=1} when no mode is set)
 * the local Docker daemon builds the image: a registry credential is issued, then
 * {@code docker build}, {@code docker login --password-stdin} (the password goes to standard
 * input only) and {@code docker push} (retried as {@code snapshots.pushDockerImage} according to
 * the client's {@code RetryConfig}, retrying any failure by default) run, and the image is
 * registered.
 * <p>
 * {@code snapshots.create} (registering the image) is not idempotent: a retry after a failure
 * the server had already acted on registers a duplicate. Exclude it with
 * {@code RetryConfig.builder().excludedOperations(List.of("snapshots.create"))} if that matters.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface ReactiveSnapshots {

	/** The environment variable that selects the local Docker build when set to {@code 1}. */
	String LOCAL_BUILD_ENV = "TOGETHER_LOCAL_BUILD";

	/** The environment variable holding the architecture of remote builds. */
	String REMOTE_ARCHITECTURE_ENV = "TOGETHER_REMOTE_ARCHITECTURE";

	/** Operation name of the docker push retry loop of local builds. */
	String PUSH_OPERATION = "snapshots.pushDockerImage";

	/**
	 * Registers an existing public Docker image as a snapshot and assigns the alias, if any.
	 * Progress: {@code register} "Creating snapshot from image...", then {@code alias} "Creating
	 * alias...". The architecture is always {@code amd64}.
	 * @param params the image and alias
	 * @return the snapshot id and alias
	 */
	Mono<CreateSnapshotResult> create(ImageSnapshotParams params);

	/**
	 * Builds an image from a Docker build context, registers it as a snapshot and assigns the
	 * alias, if any. Progress of a remote build: {@code build} "[image-builder] …" for each log
	 * line, {@code register} "Registering snapshot...", {@code alias} "Creating alias...". A local
	 * build reports {@code prepare}, {@code build}, {@code auth} and {@code push} first (see the
	 * class description).
	 * @param params the context, Dockerfile, alias and build mode
	 * @return the snapshot id and alias
	 * @throws IllegalArgumentException (at once) when the context is not a directory, the
	 * Dockerfile is missing or outside the context, or {@code TOGETHER_REMOTE_ARCHITECTURE} is
	 * invalid for a remote build
	 */
	Mono<CreateSnapshotResult> create(ContextSnapshotParams params);

	/**
	 * Assigns an alias to a snapshot.
	 * @param snapshotId the snapshot id (a UUID)
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 * @return completion
	 */
	Mono<Void> alias(String snapshotId, String alias);

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	Mono<SnapshotInfo> getById(String snapshotId);

	/**
	 * Gets a snapshot by alias. The alias is sent as given (a leading {@code @} is not removed).
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 * @return the snapshot
	 */
	Mono<SnapshotInfo> getByAlias(String alias);

	/**
	 * Lists the snapshots of the API key's project.
	 * @return the snapshots
	 */
	Flux<SnapshotInfo> list();

	/**
	 * Deletes a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return completion
	 */
	Mono<Void> deleteById(String snapshotId);

	/**
	 * Deletes a snapshot by alias. Leading {@code @} characters are removed first, so
	 * {@code @my-app@v1} deletes {@code my-app@v1}.
	 * @param alias the alias
	 * @return completion
	 */
	Mono<Void> deleteByAlias(String alias);

	/**
	 * Issues a short-lived credential for the project's container registry (what a local build
	 * uses for {@code docker login}).
	 * @return the credential
	 */
	Mono<ContainerRegistryCredential> issueRegistryCredential();

}
