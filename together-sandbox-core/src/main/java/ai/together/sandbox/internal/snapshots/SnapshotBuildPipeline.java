package ai.together.sandbox.internal.snapshots;

import java.util.Objects;
import java.util.function.Supplier;

import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildMode;
import reactor.core.publisher.Mono;

/**
 * Builds the image of a context snapshot: resolves the build context, chooses the build mode
 * (the parameters, else {@code TOGETHER_LOCAL_BUILD}) and runs the {@link RemoteContextBuild}
 * or the {@link LocalDockerBuild}. What is done with the image (registering it, the alias) is
 * the snapshots namespace's.
 */
public final class SnapshotBuildPipeline {

	/** The environment variable that selects the local Docker build when set to {@code 1}. */
	public static final String LOCAL_BUILD_ENV = "TOGETHER_LOCAL_BUILD";

	private final BuildSettings settings;

	private final RemoteContextBuild remote;

	private final LocalDockerBuild local;

	/**
	 * Creates the pipeline of one client.
	 * @param context the client context (transport, origin, API key)
	 * @param settings the environment, {@code docker} executable, log stream policy and clock
	 * @param issueCredential issues a registry credential for a local build: the namespace's own
	 * call
	 */
	public SnapshotBuildPipeline(ClientContext context, BuildSettings settings,
			Supplier<Mono<ContainerRegistryCredential>> issueCredential) {
		this(context, settings, issueCredential, ImageBuilderClient.builderUrl(context.origin()));
	}

	/**
	 * Creates the pipeline of one client with a given image builder (the current generation's
	 * builder URL rule differs from the seed's).
	 * @param context the client context (transport, origin, API key)
	 * @param settings the environment, {@code docker} executable, log stream policy and clock
	 * @param issueCredential issues a registry credential for a local build
	 * @param builderUrl the image builder's base URL
	 */
	public SnapshotBuildPipeline(ClientContext context, BuildSettings settings,
			Supplier<Mono<ContainerRegistryCredential>> issueCredential, String builderUrl) {
		this.settings = Objects.requireNonNull(settings, "settings");
		ImageBuilderClient imageBuilder = new ImageBuilderClient(context.transport(), builderUrl, context.apiKey(),
				settings);
		this.remote = new RemoteContextBuild(imageBuilder, settings.clock());
		this.local = new LocalDockerBuild(new DockerCli(settings.dockerExecutable()), context.transport().retryEngine(),
				context.origin(), Objects.requireNonNull(issueCredential, "issueCredential"));
	}

	/**
	 * Builds the image; the context, the Dockerfile and the remote architecture are checked at
	 * once, before anything is sent.
	 * @param params the context, Dockerfile and build mode
	 * @param progress reports the build's steps
	 * @return the pushed image and its architecture
	 * @throws IllegalArgumentException when the context is not a directory, the Dockerfile is
	 * missing or outside the context, or {@code TOGETHER_REMOTE_ARCHITECTURE} is invalid for a
	 * remote build
	 */
	public Mono<BuiltImage> build(ContextSnapshotParams params, Progress progress) {
		BuildContext build = BuildContext.resolve(params.context(), params.dockerfile());
		return (buildMode(params) == SnapshotBuildMode.LOCAL) ? this.local.build(build, progress)
				: this.remote.build(build, Architecture.remote(this.settings.environment()), progress);
	}

	private SnapshotBuildMode buildMode(ContextSnapshotParams params) {
		if (params.buildMode() != null) {
			return params.buildMode();
		}
		return "1".equals(this.settings.environment().apply(LOCAL_BUILD_ENV)) ? SnapshotBuildMode.LOCAL
				: SnapshotBuildMode.REMOTE;
	}

}
