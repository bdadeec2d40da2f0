package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.CreateSnapshotResult;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.snapshots.ReactiveSnapshots;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotBuildMode;
import ai.together.sandbox.snapshots.SnapshotInfo;
import ai.together.sandbox.snapshots.SnapshotProgress;
import ai.together.sandbox.snapshots.SnapshotStep;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JavaType;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSnapshots}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSnapshots implements ReactiveSnapshots {

	private static final String DEFAULT_ARCHITECTURE = "amd64";

	private static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

	private static final JavaType SNAPSHOT_LIST = Json.mapper()
		.getTypeFactory()
		.constructCollectionType(List.class, SnapshotInfo.class);

	private final ClientContext context;

	private final BuildSettings settings;

	private final DockerCli docker;

	private final ImageBuilderClient imageBuilder;

	/**
	 * Creates the namespace; applications get it from the client.
	 * @param context the client context
	 */
	public DefaultReactiveSnapshots(ClientContext context) {
		this(context, BuildSettings.defaults().withDockerExecutable(context.dockerExecutable()));
	}

	public DefaultReactiveSnapshots(ClientContext context, BuildSettings settings) {
		this.context = Objects.requireNonNull(context, "context");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.docker = new DockerCli(settings.dockerExecutable());
		this.imageBuilder = new ImageBuilderClient(context.transport(), ImageBuilderClient.builderUrl(context.origin()),
				context.apiKey(), settings);
	}

	@Override
	public Mono<CreateSnapshotResult> create(ImageSnapshotParams params) {
		Args.notNull(params, "params");
		Progress progress = new Progress(params.onProgress());
		return Mono.defer(() -> {
			progress.emit(SnapshotStep.REGISTER, "Creating snapshot from image...");
			return register(params.image(), DEFAULT_ARCHITECTURE);
		}).flatMap((snapshotId) -> aliasCreated(snapshotId, params.alias(), progress));
	}

	@Override
	public Mono<CreateSnapshotResult> create(ContextSnapshotParams params) {
		Args.notNull(params, "params");
		BuildContext build = BuildContext.resolve(params.context(), params.dockerfile());
		Progress progress = new Progress(params.onProgress());
		Mono<BuiltImage> image = (buildMode(params) == SnapshotBuildMode.LOCAL) ? buildLocally(build, progress)
				: buildRemotely(build, remoteArchitecture(), progress);
		return image.flatMap((built) -> {
			progress.emit(SnapshotStep.REGISTER, "Registering snapshot...");
			return register(built.image(), built.architecture());
		}).flatMap((snapshotId) -> aliasCreated(snapshotId, params.alias(), progress));
	}

	@Override
	public Mono<Void> alias(String snapshotId, String alias) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		Args.id(alias, "alias");
		return this.context.transport().call(aliasCall(uuid, alias, Repr.context("snapshot", snapshotId)));
	}

	@Override
	public Mono<SnapshotInfo> getById(String snapshotId) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = this.context.management("snapshots.getById", Repr.context("id", snapshotId), HttpMethod.GET,
				"/snapshots/" + uuid);
		return this.context.transport().call(call, SnapshotInfo.class);
	}

	@Override
	public Mono<SnapshotInfo> getByAlias(String alias) {
		Args.id(alias, "alias");
		ApiCall call = this.context.management("snapshots.getByAlias", Repr.context("alias", alias), HttpMethod.GET,
				"/snapshots/@" + PathEncoder.segment(alias));
		return this.context.transport().call(call, SnapshotInfo.class);
	}

	@Override
	public Flux<SnapshotInfo> list() {
		ApiCall call = this.context.management("snapshots.list", null, HttpMethod.GET, "/snapshots");
		return this.context.transport()
			.call(call, (status, body) -> Json.<List<SnapshotInfo>>read(body, SNAPSHOT_LIST))
			.flatMapIterable((snapshots) -> snapshots);
	}

	@Override
	public Mono<Void> deleteById(String snapshotId) {
		String uuid = Args.uuid(snapshotId, "snapshotId");
		ApiCall call = this.context.management("snapshots.deleteById", Repr.context("snapshot", snapshotId),
				HttpMethod.DELETE, "/snapshots/" + uuid);
		return this.context.transport().call(call);
	}

	@Override
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

	@Override
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

	private Mono<BuiltImage> buildRemotely(BuildContext build, String architecture, Progress progress) {
		String imageName = build.imageName(Long.toString(this.settings.clock().instant().getEpochSecond()));
		Mono<Path> archive = Mono.fromCallable(() -> archive(build)).subscribeOn(Schedulers.boundedElastic());
		return Mono.usingWhen(archive,
				(file) -> this.imageBuilder.build(file, imageName, build.relativeDockerfile(),
						(line) -> progress.emit(SnapshotStep.BUILD, line)),
				(file) -> Mono.fromRunnable(() -> deleteQuietly(file)).subscribeOn(Schedulers.boundedElastic()))
			.map((imageRef) -> new BuiltImage(imageRef, architecture));
	}

	private static Path archive(BuildContext build) {
		Path file = null;
		try {
			file = Files.createTempFile("together-sandbox-context-", ".tar.gz");
			ContextArchive.write(build.directory(), file);
			return file;
		}
		catch (IOException ex) {
			if (file != null) {
				deleteQuietly(file);
			}
			throw new SnapshotBuildException(
					"Failed to archive the build context " + build.directory() + ": " + ex.getMessage(), List.of(), ex);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// A temporary file left behind is not worth failing the build for.
		}
	}

	private Mono<BuiltImage> buildLocally(BuildContext build, Progress progress) {
		String architecture = localArchitecture(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
				this.context.origin());
		Path dockerfile = build.explicitDockerfile() ? build.dockerfile() : null;
		return this.docker.requireAvailable().then(issueRegistryCredential()).flatMap((credential) -> {
			String image = credential.registryUrl() + "/image-" + UUID.randomUUID() + ":" + UUID.randomUUID();
			String host = credential.registryHost();
			return Mono.defer(() -> {
				progress.emit(SnapshotStep.PREPARE, "Preparing snapshot...");
				progress.emit(SnapshotStep.BUILD, "Building snapshot...");
				return this.docker.build(architecture, dockerfile, image, build.directory(),
						(line) -> progress.emit(SnapshotStep.BUILD, line));
			})
				.then(Mono.fromRunnable(() -> progress.emit(SnapshotStep.BUILD, "Docker image built successfully: " + image)))
				.then(Mono.defer(() -> {
					progress.emit(SnapshotStep.AUTH, "Authenticating...");
					return this.docker.login(host, credential.username(), credential.password(),
							(line) -> progress.emit(SnapshotStep.AUTH, line));
				}))
				.then(Mono.fromRunnable(() -> progress.emit(SnapshotStep.AUTH, "Docker login successful to " + host)))
				.then(Mono.defer(() -> {
					progress.emit(SnapshotStep.PUSH, "Pushing Docker image...");
					return push(image, progress);
				}))
				.then(Mono.fromRunnable(() -> progress.emit(SnapshotStep.PUSH, "Docker image pushed successfully: " + image)))
				.thenReturn(new BuiltImage(image, architecture));
		});
	}

	private Mono<Void> push(String image, Progress progress) {
		RetryEngine engine = this.context.transport().retryEngine();
		RetryConfig config = engine.config();
		Function<RetryContext, CompletionStage<?>> userOnRetry = config.onRetry();
		// The notice comes before the user's own onRetry, as in the Python SDK.
		RetryConfig pushConfig = config.toBuilder().onRetryAsync((retry) -> {
			progress.emit(SnapshotStep.PUSH, String.format(Locale.ROOT, "Push failed (attempt %d), retrying in %.1fs\u2026",
					retry.attempt(), retry.delay().toNanos() / 1e9));
			return (userOnRetry != null) ? userOnRetry.apply(retry) : CompletableFuture.completedFuture(null);
		}).build();
		// Without a shouldRetry callback any push failure is retried (it is not an HTTP call),
		// unless the operation is excluded.
		return engine.withConfig(pushConfig)
			.execute(PUSH_OPERATION, () -> this.docker.push(image, (line) -> progress.emit(SnapshotStep.PUSH, line)),
					(error) -> !config.excludedOperations().contains(PUSH_OPERATION));
	}

	private SnapshotBuildMode buildMode(ContextSnapshotParams params) {
		if (params.buildMode() != null) {
			return params.buildMode();
		}
		return "1".equals(this.settings.environment().apply(LOCAL_BUILD_ENV)) ? SnapshotBuildMode.LOCAL
				: SnapshotBuildMode.REMOTE;
	}

	private String remoteArchitecture() {
		String value = this.settings.environment().apply(REMOTE_ARCHITECTURE_ENV);
		if (value == null || value.isEmpty()) {
			return DEFAULT_ARCHITECTURE;
		}
		if (!ARCHITECTURES.contains(value)) {
			throw new IllegalArgumentException("Invalid " + REMOTE_ARCHITECTURE_ENV + "=" + Repr.quote(value)
					+ "; expected one of: ['amd64', 'arm64']");
		}
		return value;
	}

	/**
	 * The architecture of a local build (PROTOCOL.md §5.4): {@code arm64} only on an ARM Mac (the
	 * Python SDK checks for the machine type {@code arm64}, which only macOS reports) talking to
	 * {@code api.codesandbox.dev}; {@code amd64} otherwise.
	 * @param osName the {@code os.name} system property
	 * @param osArch the {@code os.arch} system property
	 * @param origin the management origin
	 * @return {@code amd64} or {@code arm64}
	 */
	static String localArchitecture(String osName, String osArch, String origin) {
		boolean armMac = osArch.equalsIgnoreCase("arm64")
				|| (osName.toLowerCase(Locale.ROOT).startsWith("mac") && osArch.equalsIgnoreCase("aarch64"));
		String host = URI.create(origin).getHost();
		return (armMac && "api.codesandbox.dev".equalsIgnoreCase(host)) ? "arm64" : DEFAULT_ARCHITECTURE;
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

	/** An image ready to be registered. */
	private record BuiltImage(String image, String architecture) {
	}

	/** Null-safe progress reporting. */
	private static final class Progress {

		private final @Nullable Consumer<SnapshotProgress> consumer;

		Progress(@Nullable Consumer<SnapshotProgress> consumer) {
			this.consumer = consumer;
		}

		void emit(SnapshotStep step, String output) {
			if (this.consumer != null) {
				this.consumer.accept(new SnapshotProgress(step, output));
			}
		}

	}

}
