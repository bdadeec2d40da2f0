package ai.together.sandbox.internal.snapshots;

import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.retry.RetryContext;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.SnapshotStep;
import reactor.core.publisher.Mono;

/**
 * A build by the local Docker daemon: checks that {@code docker} runs, has a registry credential
 * issued, then runs {@code docker build}, {@code docker login --password-stdin} and
 * {@code docker push} (retried as {@value #PUSH_OPERATION} according to the client's
 * {@code RetryConfig}, any failure by default), reporting each step as progress.
 */
public final class LocalDockerBuild {

	/** Operation name of the docker push retry loop. */
	public static final String PUSH_OPERATION = "snapshots.pushDockerImage";

	private final DockerCli docker;

	private final RetryEngine retryEngine;

	private final String origin;

	private final Supplier<Mono<ContainerRegistryCredential>> issueCredential;

	/**
	 * Creates the build of one client.
	 * @param docker runs {@code docker}
	 * @param retryEngine the client's retry engine (its configuration governs the push)
	 * @param origin the management origin (it decides the architecture)
	 * @param issueCredential issues a registry credential
	 * ({@code snapshots.issueContainerRegistryCredential})
	 */
	LocalDockerBuild(DockerCli docker, RetryEngine retryEngine, String origin,
			Supplier<Mono<ContainerRegistryCredential>> issueCredential) {
		this.docker = docker;
		this.retryEngine = retryEngine;
		this.origin = origin;
		this.issueCredential = issueCredential;
	}

	Mono<BuiltImage> build(BuildContext build, Progress progress) {
		String architecture = Architecture.local(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
				this.origin);
		Path dockerfile = build.explicitDockerfile() ? build.dockerfile() : null;
		return this.docker.requireAvailable().then(Mono.defer(this.issueCredential)).flatMap((credential) -> {
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
		RetryConfig config = this.retryEngine.config();
		Function<RetryContext, CompletionStage<?>> userOnRetry = config.onRetry();
		// The notice comes before the user's own onRetry, as in the Python SDK.
		RetryConfig pushConfig = config.toBuilder().onRetryAsync((retry) -> {
			progress.emit(SnapshotStep.PUSH, String.format(Locale.ROOT, "Push failed (attempt %d), retrying in %.1fs\u2026",
					retry.attempt(), retry.delay().toNanos() / 1e9));
			return (userOnRetry != null) ? userOnRetry.apply(retry) : CompletableFuture.completedFuture(null);
		}).build();
		// Without a shouldRetry callback any push failure is retried (it is not an HTTP call),
		// unless the operation is excluded.
		return this.retryEngine.withConfig(pushConfig)
			.execute(PUSH_OPERATION, () -> this.docker.push(image, (line) -> progress.emit(SnapshotStep.PUSH, line)),
					(error) -> !config.excludedOperations().contains(PUSH_OPERATION));
	}

}
