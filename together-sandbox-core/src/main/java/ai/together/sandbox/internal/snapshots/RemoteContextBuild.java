package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotStep;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A build by Together's remote image builder: packs the context into a temporary
 * gzip-compressed tar, has the builder build and push it (its log reported as
 * {@link SnapshotStep#BUILD} progress) and deletes the archive.
 */
final class RemoteContextBuild {

	private final ImageBuilderClient imageBuilder;

	private final Clock clock;

	RemoteContextBuild(ImageBuilderClient imageBuilder, Clock clock) {
		this.imageBuilder = imageBuilder;
		this.clock = clock;
	}

	Mono<BuiltImage> build(BuildContext build, String architecture, Progress progress) {
		String imageName = build.imageName(Long.toString(this.clock.instant().getEpochSecond()));
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

}
