package ai.together.sandbox.emulator.internal.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Auth;
import ai.together.sandbox.emulator.internal.http.Bodies;
import ai.together.sandbox.emulator.internal.http.ErrorStyle;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.http.RouteTable;
import ai.together.sandbox.emulator.internal.state.BuildRecord;
import ai.together.sandbox.emulator.internal.state.BuildRegistry;
import ai.together.sandbox.emulator.internal.state.Ids;
import ai.together.sandbox.emulator.internal.state.SnapshotRegistry;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The remote image-builder protocol: {@code POST /builds} takes a build context, which is
 * unpacked (no image is built: the Dockerfile is not executed) and later becomes the initial file
 * tree of sandboxes created from a snapshot of the returned {@code image_ref}.
 */
public final class BuilderApi {

	private static final Log logger = LogFactory.getLog(BuilderApi.class);

	private final BuildRegistry builds;

	private final SnapshotRegistry snapshots;

	private final String apiKey;

	private final long maxUploadBytes;

	/**
	 * Creates the API.
	 * @param builds the builds
	 * @param snapshots the snapshots, which may use the context of a build
	 * @param apiKey the API key of the management API
	 * @param maxUploadBytes the largest build context
	 */
	public BuilderApi(BuildRegistry builds, SnapshotRegistry snapshots, String apiKey, long maxUploadBytes) {
		this.builds = builds;
		this.snapshots = snapshots;
		this.apiKey = apiKey;
		this.maxUploadBytes = maxUploadBytes;
	}

	/**
	 * Returns the route table of the builder: the wire paths of PROTOCOL.md §5.3.
	 * @return the routes
	 */
	public RouteTable<Request> routes() {
		return RouteTable.mount("/builds", ErrorStyle.MANAGEMENT, Auth.apiKey(this.apiKey))
			.ignoringEmptySegments()
			.postStreamed("", this::submit)
			.get("/{build}", request -> Mono.just(Reply.json(200, toJson(this.builds.get(request.pathParam("build"))))))
			.delete("/{build}", this::delete)
			.get("/{build}/logs", this::logs)
			.build();
	}

	private static Map<String, Object> toJson(BuildRecord build) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("build_id", build.buildId());
		json.put("status", build.status());
		json.put("image_name", build.imageName());
		json.put("image_ref", build.imageRef());
		json.put("dockerfile", build.dockerfile());
		json.put("error", build.error());
		json.put("created_at", build.createdAt());
		return json;
	}

	private Mono<Reply> delete(Request request) {
		BuildRecord build = this.builds.get(request.pathParam("build"));
		return Reply.blocking(() -> {
			this.builds.delete(build.buildId(), this.snapshots.usesBuild(build.buildId()));
			return Reply.empty(204);
		});
	}

	private Mono<Reply> logs(Request request) {
		BuildRecord build = this.builds.get(request.pathParam("build"));
		List<Object> events = new ArrayList<>(build.logs());
		events.add(build.error() == null ? Map.of("done", true) : Map.of("error", build.error()));
		return Mono.just(Reply.sse(Flux.fromIterable(events)));
	}

	private Mono<Reply> submit(Request request) {
		String contentType = request.header("Content-Type");
		if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
			throw ApiException.badRequest("a build is submitted as multipart/form-data");
		}
		request.consumed().set(true);
		String id = Ids.alphanumeric(16);
		Path directory = this.builds.directory(id);
		Path archive = directory.resolve("context.tar.gz");
		Map<String, String> fields = new ConcurrentHashMap<>();
		return Mono.fromCallable(() -> Files.createDirectories(directory))
			.subscribeOn(Schedulers.boundedElastic())
			.thenMany(request.netty()
				.receiveForm(b -> b.maxSize(this.maxUploadBytes).maxInMemorySize(64 * 1024).baseDirectory(directory)))
			.doOnNext(data -> store(data, archive, fields))
			.onErrorMap(ex -> !(ex instanceof ApiException),
					ex -> ex.getClass().getSimpleName().contains("TooLong") || String.valueOf(ex.getMessage()).contains("ize")
							? Bodies.tooLarge(this.maxUploadBytes)
							: ApiException.badRequest("invalid multipart body: " + ex.getMessage()))
			.then(Mono.fromCallable(() -> build(id, archive, fields)).subscribeOn(Schedulers.boundedElastic()))
			.doOnError(ex -> cleanup(directory));
	}

	private static void store(HttpData data, Path archive, Map<String, String> fields) {
		try {
			if (data instanceof FileUpload upload && data.getName().equals("context")) {
				if (upload.isInMemory()) {
					Files.write(archive, upload.get());
				}
				else {
					Files.copy(upload.getFile().toPath(), archive, StandardCopyOption.REPLACE_EXISTING);
				}
			}
			else if (!(data instanceof FileUpload)) {
				fields.put(data.getName(), data.getString());
			}
		}
		catch (IOException ex) {
			throw new ApiException(500, "cannot store the build context: " + SandboxFiles.reason(ex));
		}
	}

	private Reply build(String id, Path archive, Map<String, String> fields) {
		String imageName = fields.getOrDefault("image_name", "").trim();
		if (imageName.isEmpty()) {
			throw ApiException.badRequest("'image_name' is required");
		}
		if (!imageName.matches("[A-Za-z0-9._/:-]+")) {
			throw ApiException.badRequest("'image_name' is not a valid image name: " + imageName);
		}
		if (!Files.isRegularFile(archive)) {
			throw ApiException.badRequest("the file field 'context' is required");
		}
		String dockerfile = fields.getOrDefault("dockerfile", "Dockerfile");
		String imageRef = "localhost/emulator/" + (imageName.contains(":") ? imageName : imageName + ":latest");
		List<String> logs = new ArrayList<>();
		String error = null;
		long size = 0;
		Path context = this.builds.context(id);
		try (InputStream in = Files.newInputStream(archive)) {
			logs.add("Received build context (" + Files.size(archive) + " bytes)");
			size = TarExtractor.extract(in, context, 4 * this.maxUploadBytes, logs::add);
			logs.add("Dockerfile " + dockerfile
					+ " is not executed: the emulator uses the context as the sandbox file tree");
			logs.add("Image " + imageRef + " is ready");
		}
		catch (TarExtractor.EscapeException ex) {
			// Refused outright: the caller's cleanup removes the build directory, context included.
			throw ApiException.badRequest("invalid build context: " + ex.getMessage());
		}
		catch (IOException | IllegalArgumentException ex) {
			error = "invalid build context: " + ex.getMessage();
			logs.add(error);
			try {
				FileTrees.deleteRecursively(context);
			}
			catch (IOException cleanupFailure) {
				logs.add("could not clean up: " + cleanupFailure.getMessage());
			}
		}
		finally {
			try {
				Files.deleteIfExists(archive);
			}
			catch (IOException ex) {
				logs.add("could not remove the archive: " + ex.getMessage());
			}
		}
		BuildRecord build = BuildRecord.of(id, imageName, imageRef, dockerfile, error, Instant.now().toString(), logs,
				size);
		this.builds.add(build);
		return Reply.json(200, toJson(build));
	}

	private static void cleanup(Path directory) {
		try {
			FileTrees.deleteRecursively(directory);
		}
		catch (IOException ex) {
			logger.debug("Could not remove the directory of a refused build " + directory + ": " + ex.getMessage());
		}
	}

}
