package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotStep;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The current generation's snapshot of a container image: the remote image builder builds a
 * one-line context, {@code FROM <image>}, and pushes the result to the project's registry; the
 * caller registers the pushed reference. The builder is reached on the client's origin with
 * {@code api.bartender.} replaced by {@code builder.}, so any other origin (a local emulator's
 * {@code http://127.0.0.1:port}) serves the builder itself.
 */
public final class ImageBuild {

	private final RemoteContextBuild remote;

	/**
	 * Creates the build of one client.
	 * @param context the client context (transport, origin, API key)
	 * @param settings the log-stream policy and clock
	 */
	public ImageBuild(ClientContext context, BuildSettings settings) {
		Objects.requireNonNull(settings, "settings");
		ImageBuilderClient builder = new ImageBuilderClient(context.transport(), builderUrl(context.origin()),
				context.apiKey(), settings);
		this.remote = new RemoteContextBuild(builder, settings.clock());
	}

	/**
	 * Returns the builder's base URL for a management origin under the current generation's rule.
	 * @param origin the management origin
	 * @return the builder's base URL
	 */
	public static String builderUrl(String origin) {
		return origin.replace("api.bartender.", "builder.");
	}

	/**
	 * Builds an image {@code FROM} another one.
	 * @param image the image to start from
	 * @param architecture the architecture to report with the built image
	 * @param progress receives the {@code prepare} step and the builder's log lines
	 * @return the reference of the pushed image
	 */
	public Mono<String> build(String image, String architecture, Progress progress) {
		return Mono.usingWhen(Mono.fromCallable(() -> context(image)).subscribeOn(Schedulers.boundedElastic()),
				(directory) -> Mono.defer(() -> {
					progress.emit(SnapshotStep.PREPARE, "Starting remote build of " + image + "...");
					return this.remote.build(BuildContext.resolve(directory, null), architecture, progress);
				}).map(BuiltImage::image),
				(directory) -> Mono.fromRunnable(() -> deleteQuietly(directory)).subscribeOn(Schedulers.boundedElastic()));
	}

	/** A temporary context directory named after the image (its name without registry or tag). */
	private static Path context(String image) {
		Path parent = null;
		try {
			parent = Files.createTempDirectory("together-sandbox-image-");
			Path directory = Files.createDirectory(parent.resolve(baseName(image)));
			Files.writeString(directory.resolve("Dockerfile"), "FROM " + image + "\n", StandardCharsets.UTF_8);
			return directory;
		}
		catch (IOException ex) {
			if (parent != null) {
				deleteQuietly(parent);
			}
			throw new SnapshotBuildException("Failed to prepare the build of image " + image + ": " + ex.getMessage(),
					List.of(), ex);
		}
	}

	static String baseName(String image) {
		String name = image.substring(image.lastIndexOf('/') + 1);
		int cut = name.indexOf('@');
		name = (cut >= 0) ? name.substring(0, cut) : name;
		cut = name.indexOf(':');
		name = (cut >= 0) ? name.substring(0, cut) : name;
		name = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
		return (name.isEmpty() || name.startsWith(".")) ? "image" : name;
	}

	/** Deletes a context directory and the temporary directory holding it. */
	private static void deleteQuietly(Path directory) {
		Path parent = directory.getParent();
		Path root = (parent != null && parent.getFileName() != null
				&& parent.getFileName().toString().startsWith("together-sandbox-image-")) ? parent : directory;
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind is not worth failing the build for.
		}
	}

}
