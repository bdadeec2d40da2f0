package ai.together.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.snapshots.Architecture;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.internal.snapshots.LocalDockerBuild;
import ai.together.sandbox.internal.snapshots.Progress;
import ai.together.sandbox.internal.snapshots.SnapshotBuildPipeline;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.CreateSnapshotResult;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildMode;
import ai.together.sandbox.snapshots.SnapshotInfo;
import ai.together.sandbox.snapshots.SnapshotStep;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

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
public final class ReactiveSnapshots {

	/** The environment variable that selects the local Docker build when set to {@code 1}. */
	public static final String LOCAL_BUILD_ENV = SnapshotBuildPipeline.LOCAL_BUILD_ENV;

	/** The environment variable holding the architecture of remote builds. */
	public static final String REMOTE_ARCHITECTURE_ENV = Architecture.REMOTE_ENV;

	/** Operation name of the docker push retry loop of local builds. */
	public static final String PUSH_OPERATION = LocalDockerBuild.PUSH_OPERATION;

	private static final Json.LazyType SNAPSHOT_LIST = Json.listOf(SnapshotInfo.class);

	private final ClientContext context;

	/** Made on the first build: a client that builds nothing loads none of the build classes. */
	private final Lazy<SnapshotBuildPipeline> builds;

	ReactiveSnapshots(ClientContext context) {
		this(context, BuildSettings.defaults().withDockerExecutable(context.dockerExecutable()));
	}

	ReactiveSnapshots(ClientContext context, BuildSettings settings) {
		this.context = Objects.requireNonNull(context, "context");
		this.builds = new Lazy<>() {

			@Override
			protected SnapshotBuildPipeline make() {
				return new SnapshotBuildPipeline(context, settings, ReactiveSnapshots.this::issueRegistryCredential);
			}

		};
	}

	/**
	 * Registers an existing public Docker image as a snapshot and assigns the alias, if any.
	 * Progress: {@code register} "Creating snapshot from image...", then {@code alias} "Creating
	 * alias...". The architecture is always {@code amd64}.
	 * @param params the image and alias
	 * @return the snapshot id and alias
	 */
	public Mono<CreateSnapshotResult> create(ImageSnapshotParams params) {
		Args.notNull(params, "params");
		Progress progress = new Progress(params.onProgress());
		return Mono.defer(() -> {
			progress.emit(SnapshotStep.REGISTER, "Creating snapshot from image...");
			return register(params.image(), Architecture.DEFAULT);
		}).flatMap((snapshotId) -> aliasCreated(snapshotId, params.alias(), progress));
	}

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
	public Mono<CreateSnapshotResult> create(ContextSnapshotParams params) {
		Args.notNull(params, "params");
		Progress progress = new Progress(params.onProgress());
		return this.builds.get().build(params, progress).flatMap((built) -> {
			progress.emit(SnapshotStep.REGISTER, "Registering snapshot...");
			return register(built.image(), built.architecture());
		}).flatMap((snapshotId) -> aliasCreated(snapshotId, params.alias(), progress));
	}

	/**
	 * Assigns an alias to a snapshot.
	 * @param snapshotId the snapshot id (a UUID)
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 * @return completion
	 */
	public Mono<Void> alias(String snapshotId, String alias) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		Args.id(alias, "alias");
		return this.context.transport().call(aliasCall(uuid, alias, Repr.context("snapshot", snapshotId)));
	}

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	public Mono<SnapshotInfo> getById(String snapshotId) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = this.context.management("snapshots.getById", Repr.context("id", snapshotId), HttpMethod.GET,
				"/snapshots/" + uuid);
		return this.context.transport().call(call, SnapshotInfo.class);
	}

	/**
	 * Gets a snapshot by alias. The alias is sent as given (a leading {@code @} is not removed).
	 * @param alias the alias ({@code tag} or {@code namespace@tag})
	 * @return the snapshot
	 */
	public Mono<SnapshotInfo> getByAlias(String alias) {
		Args.id(alias, "alias");
		ApiCall call = this.context.management("snapshots.getByAlias", Repr.context("alias", alias), HttpMethod.GET,
				"/snapshots/@" + PathEncoder.segment(alias));
		return this.context.transport().call(call, SnapshotInfo.class);
	}

	/**
	 * Lists the snapshots of the API key's project.
	 * @return the snapshots
	 */
	public Flux<SnapshotInfo> list() {
		ApiCall call = this.context.management("snapshots.list", null, HttpMethod.GET, "/snapshots");
		return this.context.transport()
			.call(call, (status, body) -> Json.<List<SnapshotInfo>>read(body, SNAPSHOT_LIST))
			.flatMapIterable((snapshots) -> snapshots);
	}

	/**
	 * Deletes a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return completion
	 */
	public Mono<Void> deleteById(String snapshotId) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = this.context.management("snapshots.deleteById", Repr.context("snapshot", snapshotId),
				HttpMethod.DELETE, "/snapshots/" + uuid);
		return this.context.transport().call(call);
	}

	/**
	 * Deletes a snapshot by alias. Leading {@code @} characters are removed first, so
	 * {@code @my-app@v1} deletes {@code my-app@v1}.
	 * @param alias the alias
	 * @return completion
	 */
	public Mono<Void> deleteByAlias(String alias) {
		Args.id(alias, "alias");
		String bare = alias.replaceFirst("^@+", "");
		if (bare.isBlank()) {
			throw new IllegalArgumentException("alias must not consist of '@' characters only");
		}
		ApiCall call = this.context.management("snapshots.deleteByAlias", Repr.context("snapshot", alias),
				HttpMethod.DELETE, "/snapshots/@" + PathEncoder.segment(bare));
		return this.context.transport().call(call);
	}

	/**
	 * Issues a short-lived credential for the project's container registry (what a local build
	 * uses for {@code docker login}).
	 * @return the credential
	 */
	public Mono<ContainerRegistryCredential> issueRegistryCredential() {
		ApiCall call = this.context.management("snapshots.issueContainerRegistryCredential", null, HttpMethod.POST,
				"/container-registries/default/credentials");
		return this.context.transport().call(call, ContainerRegistryCredential.class);
	}

	private Mono<String> register(String image, String architecture) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("image", image);
		body.put("architecture", architecture);
		ApiCall call = this.context.management("snapshots.create", null, HttpMethod.POST, "/snapshots").withJson(body);
		return this.context.transport().call(call, SnapshotInfo.class).map((info) -> canonicalId(info.id()));
	}

	private Mono<CreateSnapshotResult> aliasCreated(String snapshotId, @Nullable String alias, Progress progress) {
		CreateSnapshotResult result = new CreateSnapshotResult(snapshotId, alias);
		if (alias == null) {
			return Mono.just(result);
		}
		return Mono.defer(() -> {
			progress.emit(SnapshotStep.ALIAS, "Creating alias...");
			// Inside create the alias call has no context string (PROTOCOL.md §5.1).
			return this.context.transport().call(aliasCall(snapshotId, alias, null));
		}).thenReturn(result);
	}

	private ApiCall aliasCall(String uuid, String alias, @Nullable String contextString) {
		return this.context
			.management("snapshots.alias", contextString, HttpMethod.POST, "/snapshots/" + uuid + "/aliases")
			.withJson(Map.of("alias", alias));
	}

	private static String canonicalId(String id) {
		try {
			return UUID.fromString(id).toString();
		}
		catch (IllegalArgumentException ex) {
			// Not a UUID after all: report it as the server sent it.
			return id;
		}
	}

}
