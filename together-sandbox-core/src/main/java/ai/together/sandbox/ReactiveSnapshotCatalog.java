package ai.together.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import ai.together.sandbox.current.SnapshotAlias;
import ai.together.sandbox.current.SnapshotDetails;
import ai.together.sandbox.current.SnapshotFilter;
import ai.together.sandbox.current.SnapshotSpec;
import ai.together.sandbox.internal.current.PageBody;
import ai.together.sandbox.internal.current.QueryString;
import ai.together.sandbox.internal.current.V1Calls;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.snapshots.Architecture;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.internal.snapshots.ImageBuild;
import ai.together.sandbox.internal.snapshots.Progress;
import ai.together.sandbox.internal.snapshots.SnapshotBuildPipeline;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.Lazy;
import ai.together.sandbox.internal.util.Repr;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotProgress;
import ai.together.sandbox.snapshots.SnapshotStep;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * The snapshots of the current API generation ({@code /v1}), in the reactive style: obtain it
 * from {@code sdk.current().snapshots()}. Snapshots are registered from container images, looked
 * up by id or alias, listed in pages, retired (no longer booted, eventually deleted) and aliased.
 * Nothing is sent until a returned publisher is subscribed to.
 * <p>
 * Every call is retried according to the client's {@code RetryConfig}, under the operation names
 * {@code api.snapshots.create}, {@code .getById}, {@code .getByAlias}, {@code .list},
 * {@code .batchGet}, {@code .retire}, {@code .listAliases}, {@code .alias}, {@code .deleteAlias}
 * and {@code .issueContainerRegistryCredential} (all with the {@code api.snapshots} prefix).
 * Builds ({@link #create(SnapshotSpec, String, Consumer)}) call the image builder under
 * {@code imageBuilder.submit} and {@code imageBuilder.getStatus}, with the default retry
 * configuration, as the seed's builds do. Registering is not idempotent: exclude {@value #CREATE_OPERATION} from retries when a
 * duplicate snapshot matters.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSnapshotCatalog {

	/** The operation name of {@link #register(SnapshotSpec)}. */
	public static final String CREATE_OPERATION = "api.snapshots.create";

	private static final Json.LazyType PAGE = V1Calls.pageType(SnapshotDetails.class);

	private static final Json.LazyType LIST = Json.listOf(SnapshotDetails.class);

	private static final Json.LazyType ALIASES = Json.listOf(SnapshotAlias.class);

	private final ClientContext context;

	private final BuildSettings settings;

	private final ImageBuild imageBuild;

	/** Made on the first build, as the seed generation's. */
	private final Lazy<SnapshotBuildPipeline> builds;

	ReactiveSnapshotCatalog(ClientContext context) {
		this.context = Objects.requireNonNull(context, "context");
		this.settings = BuildSettings.defaults().withDockerExecutable(context.dockerExecutable());
		this.imageBuild = new ImageBuild(context, this.settings);
		this.builds = new Lazy<>() {

			@Override
			protected SnapshotBuildPipeline make() {
				return new SnapshotBuildPipeline(context, ReactiveSnapshotCatalog.this.settings,
						ReactiveSnapshotCatalog.this::issueRegistryCredential, ImageBuild.builderUrl(context.origin()));
			}

		};
	}

	/**
	 * Creates a snapshot from a Docker build context: the seed's build (remote by default, local
	 * with {@code buildMode(LOCAL)} or {@code TOGETHER_LOCAL_BUILD=1}; see the seed's
	 * {@code snapshots().create(ContextSnapshotParams)}), with the current generation's builder
	 * URL rule and registry credential call, then {@code POST /v1/snapshots} and the alias. Steps
	 * as the seed's builds: {@code build} (or the local ones), {@code register}, {@code alias}.
	 * @param params the context, Dockerfile, build mode, alias and progress consumer
	 * @return the snapshot
	 * @throws SnapshotBuildException (through the Mono) when the build fails
	 */
	public Mono<SnapshotDetails> create(ContextSnapshotParams params) {
		Args.notNull(params, "params");
		Progress progress = new Progress(params.onProgress());
		return this.builds.get().build(params, progress).flatMap((built) -> {
			progress.emit(SnapshotStep.REGISTER, "Registering snapshot...");
			return register(new SnapshotSpec(built.image(), built.architecture(), null, null));
		}).flatMap((snapshot) -> aliased(snapshot, params.alias(), progress));
	}

	/**
	 * Creates a snapshot of a container image as the upstream SDKs do: Together's remote image
	 * builder builds {@code FROM <image>} and pushes it to the project's registry (its log
	 * reported as {@code build} progress), then the pushed image is registered with the spec's
	 * architecture, time to live and tags, and the alias, when given, points at it. The builder is
	 * the client's origin with {@code api.bartender.} replaced by {@code builder.} (any other
	 * origin, such as a local emulator's, serves it itself). Progress steps: {@code prepare},
	 * {@code build}, {@code register}, {@code alias}.
	 * @param spec the image to start from and the snapshot's settings; without an architecture,
	 * {@code TOGETHER_REMOTE_ARCHITECTURE} or {@code amd64}
	 * @param alias the alias, or {@code null} for none
	 * @param onProgress receives each step, or {@code null}
	 * @return the snapshot
	 * @throws SnapshotBuildException (through the Mono) when the build fails
	 */
	public Mono<SnapshotDetails> create(SnapshotSpec spec, @Nullable String alias,
			@Nullable Consumer<SnapshotProgress> onProgress) {
		Args.notNull(spec, "spec");
		if (alias != null) {
			Args.id(alias, "alias");
		}
		String architecture = (spec.architecture() != null) ? spec.architecture()
				: Architecture.remote(this.settings.environment());
		Progress progress = new Progress(onProgress);
		return this.imageBuild.build(spec.image(), architecture, progress).flatMap((imageRef) -> {
			progress.emit(SnapshotStep.REGISTER, "Registering snapshot...");
			return register(new SnapshotSpec(imageRef, architecture, spec.ttlSeconds(), spec.tags()));
		}).flatMap((snapshot) -> aliased(snapshot, alias, progress));
	}

	private Mono<SnapshotDetails> aliased(SnapshotDetails snapshot, @Nullable String alias, Progress progress) {
		if (alias == null) {
			return Mono.just(snapshot);
		}
		return Mono.defer(() -> {
			progress.emit(SnapshotStep.ALIAS, "Creating alias...");
			return this.context.transport().call(aliasCall(snapshot.id(), alias, null));
		}).thenReturn(snapshot);
	}

	/**
	 * Registers a snapshot of a container image that the service can pull
	 * ({@code POST /v1/snapshots}); no image is built here.
	 * @param spec the image and the snapshot's settings
	 * @return the snapshot
	 */
	public Mono<SnapshotDetails> register(SnapshotSpec spec) {
		Args.notNull(spec, "spec");
		ApiCall call = V1Calls.call(this.context, CREATE_OPERATION, null, HttpMethod.POST, "/snapshots").withJson(spec);
		return this.context.transport().call(call, SnapshotDetails.class);
	}

	/**
	 * Registers a snapshot of an image and points an alias at it (an upsert: an existing alias of
	 * that name is repointed).
	 * @param spec the image and the snapshot's settings
	 * @param alias the alias, for example {@code my-app@v1}
	 * @return the snapshot
	 */
	public Mono<SnapshotDetails> register(SnapshotSpec spec, String alias) {
		Args.notNull(spec, "spec");
		Args.id(alias, "alias");
		return register(spec).flatMap((snapshot) -> this.context.transport()
			.call(aliasCall(snapshot.id(), alias, null))
			.thenReturn(snapshot));
	}

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	public Mono<SnapshotDetails> get(String snapshotId) {
		String id = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = V1Calls.call(this.context, "api.snapshots.getById", Repr.context("id", snapshotId),
				HttpMethod.GET, "/snapshots/" + id);
		return this.context.transport().call(call, SnapshotDetails.class);
	}

	/**
	 * Gets a snapshot by alias.
	 * @param alias the alias, for example {@code my-app@v1} or {@code sandbox:<id>} (sent
	 * percent-encoded after {@code /snapshots/@})
	 * @return the snapshot
	 */
	public Mono<SnapshotDetails> getByAlias(String alias) {
		Args.id(alias, "alias");
		ApiCall call = V1Calls.call(this.context, "api.snapshots.getByAlias", Repr.context("alias", alias),
				HttpMethod.GET, "/snapshots/@" + V1Calls.segment(alias));
		return this.context.transport().call(call, SnapshotDetails.class);
	}

	/**
	 * Lists the first page of the project's snapshots, retired ones included.
	 * @return the first page
	 */
	public Mono<ReactivePage<SnapshotDetails>> list() {
		return list(SnapshotFilter.all());
	}

	/**
	 * Lists a page of the project's snapshots matching a filter.
	 * @param filter the filter, page size and cursor
	 * @return the page; {@link ReactivePage#all()} walks the later pages
	 */
	public Mono<ReactivePage<SnapshotDetails>> list(SnapshotFilter filter) {
		Args.notNull(filter, "filter");
		QueryString query = new QueryString().page(filter.limit(), filter.cursor());
		query.tags(filter.tags());
		if (filter.excludeRetired()) {
			query.add("exclude_retired", "true");
		}
		ApiCall call = V1Calls.call(this.context, "api.snapshots.list", null, HttpMethod.GET, "/snapshots" + query);
		return this.context.transport()
			.call(call, (status, body) -> Json.<PageBody<SnapshotDetails>>read(body, PAGE))
			.map((page) -> new ReactivePage<>(page.data(), page.nextCursor(),
					(cursor) -> list(filter.withCursor(cursor))));
	}

	/**
	 * Gets several snapshots in one request.
	 * @param snapshotIds 1 to 100 distinct snapshot ids
	 * @return the snapshots found, in the order asked for; unknown ids are left out
	 */
	public Mono<List<SnapshotDetails>> batchGet(List<String> snapshotIds) {
		String query = V1Calls.batchQuery(snapshotIds);
		ApiCall call = V1Calls.call(this.context, "api.snapshots.batchGet", null, HttpMethod.GET,
				"/snapshots/batch" + query);
		return this.context.transport().call(call, (status, body) -> Json.<List<SnapshotDetails>>read(body, LIST));
	}

	/**
	 * Retires a snapshot: it boots no new sandbox and is eventually deleted.
	 * @param snapshotId the snapshot id
	 * @return the retired snapshot
	 */
	public Mono<SnapshotDetails> retire(String snapshotId) {
		String id = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = V1Calls.call(this.context, "api.snapshots.retire", Repr.context("snapshot", snapshotId),
				HttpMethod.POST, "/snapshots/" + id + "/retire");
		return this.context.transport().call(call, SnapshotDetails.class);
	}

	/**
	 * Lists the aliases of a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the aliases
	 */
	public Mono<List<SnapshotAlias>> aliases(String snapshotId) {
		String id = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = V1Calls.call(this.context, "api.snapshots.listAliases", Repr.context("snapshot", snapshotId),
				HttpMethod.GET, "/snapshots/" + id + "/aliases");
		return this.context.transport().call(call, (status, body) -> Json.<List<SnapshotAlias>>read(body, ALIASES));
	}

	/**
	 * Points an alias at a snapshot (an upsert: an existing alias of that name is repointed).
	 * @param snapshotId the snapshot id
	 * @param alias the alias, for example {@code my-app@v1}
	 * @return completion
	 */
	public Mono<Void> alias(String snapshotId, String alias) {
		String id = Args.uuid(snapshotId, "snapshotId");
		Args.id(alias, "alias");
		return this.context.transport().call(aliasCall(id, alias, Repr.context("snapshot", snapshotId)));
	}

	/**
	 * Deletes an alias (the snapshot stays); deleting an alias that does not exist succeeds too.
	 * @param alias the alias name, without a leading {@code @}
	 * @return completion
	 */
	public Mono<Void> deleteAlias(String alias) {
		Args.id(alias, "alias");
		if (alias.startsWith("@")) {
			throw new IllegalArgumentException("alias must be the alias name without a leading '@', was " + alias);
		}
		ApiCall call = V1Calls.call(this.context, "api.snapshots.deleteAlias", Repr.context("alias", alias),
				HttpMethod.DELETE, "/snapshot-aliases/" + V1Calls.segment(alias));
		return this.context.transport().call(call);
	}

	/**
	 * Issues a short-lived credential for the project's container registry, to push images that
	 * {@link #register(SnapshotSpec)} then registers.
	 * @return the credential
	 */
	public Mono<ContainerRegistryCredential> issueRegistryCredential() {
		ApiCall call = V1Calls.call(this.context, "api.snapshots.issueContainerRegistryCredential", null,
				HttpMethod.POST, "/container-registries/default/credentials");
		return this.context.transport().call(call, ContainerRegistryCredential.class);
	}

	private ApiCall aliasCall(String id, String alias, @Nullable String contextString) {
		return V1Calls
			.call(this.context, "api.snapshots.alias", contextString, HttpMethod.POST, "/snapshots/" + V1Calls.segment(id) + "/aliases")
			.withJson(Map.of("alias", alias));
	}

}
