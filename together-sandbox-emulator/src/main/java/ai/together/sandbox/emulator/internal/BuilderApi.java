package ai.together.sandbox.emulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.emulator.internal.Http.Reply;
import ai.together.sandbox.emulator.internal.Http.Request;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The remote image-builder protocol: {@code POST /builds} takes a build context, which is
 * unpacked (no image is built: the Dockerfile is not executed) and later becomes the initial file
 * tree of sandboxes created from a snapshot of the returned {@code image_ref}.
 */
final class BuilderApi {

	private static final org.apache.commons.logging.Log logger = org.apache.commons.logging.LogFactory
		.getLog(BuilderApi.class);

	private final EmulatorState state;

	private final ManagementApi management;

	private final long maxUploadBytes;

	BuilderApi(EmulatorState state, ManagementApi management, long maxUploadBytes) {
		this.state = state;
		this.management = management;
		this.maxUploadBytes = maxUploadBytes;
	}

	Mono<Reply> handle(Request request) {
		this.management.authenticate(request);
		List<String> seg = new ArrayList<>();
		for (String s : request.path().substring("/builds".length()).split("/")) {
			if (!s.isEmpty()) {
				seg.add(Http.decodePath(s));
			}
		}
		String method = request.method();
		if (seg.isEmpty() && method.equals("POST")) {
			return submit(request);
		}
		if (seg.size() == 1) {
			EmulatorState.Build build = this.state.build(seg.get(0));
			if (method.equals("GET")) {
				return Mono.just(Reply.json(200, build.toJson()));
			}
			if (method.equals("DELETE")) {
				return Http.blocking(() -> {
					this.state.deleteBuild(build.id());
					return Reply.empty(204);
				});
			}
		}
		if (seg.size() == 2 && seg.get(1).equals("logs") && method.equals("GET")) {
			EmulatorState.Build build = this.state.build(seg.get(0));
			List<Object> events = new ArrayList<>(build.logs());
			events.add(build.error() == null ? Map.of("done", true) : Map.of("error", build.error()));
			return Mono.just(Reply.sse(Flux.fromIterable(events)));
		}
		throw ApiException.notFound("no such endpoint: " + method + " " + request.path());
	}

	private Mono<Reply> submit(Request request) {
		String contentType = request.header("Content-Type");
		if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
			throw ApiException.badRequest("a build is submitted as multipart/form-data");
		}
		request.consumed().set(true);
		String id = Ids.alphanumeric(16);
		Path directory = this.state.buildDirectory(id);
		Path archive = directory.resolve("context.tar.gz");
		Map<String, String> fields = new ConcurrentHashMap<>();
		return Mono.fromCallable(() -> Files.createDirectories(directory))
			.subscribeOn(Schedulers.boundedElastic())
			.thenMany(request.netty()
				.receiveForm(b -> b.maxSize(this.maxUploadBytes).maxInMemorySize(64 * 1024)
					.baseDirectory(directory)))
			.doOnNext(data -> store(data, archive, fields))
			.onErrorMap(ex -> !(ex instanceof ApiException),
					ex -> ex.getClass().getSimpleName().contains("TooLong") || String.valueOf(ex.getMessage()).contains("ize")
							? Http.tooLarge(this.maxUploadBytes)
							: ApiException.badRequest("invalid multipart body: " + ex.getMessage()))
			.then(Mono.fromCallable(() -> build(id, directory, archive, fields)).subscribeOn(Schedulers.boundedElastic()))
			.doOnError(ex -> cleanup(directory));
	}

	private static void store(HttpData data, Path archive, Map<String, String> fields) {
		try {
			if (data instanceof FileUpload upload && data.getName().equals("context")) {
				if (upload.isInMemory()) {
					Files.write(archive, upload.get());
				}
				else {
					Files.copy(upload.getFile().toPath(), archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
				}
			}
			else if (!(data instanceof FileUpload)) {
				fields.put(data.getName(), data.getString());
			}
		}
		catch (IOException ex) {
			throw new ApiException(500, "cannot store the build context: " + ex.getMessage());
		}
	}

	private Reply build(String id, Path directory, Path archive, Map<String, String> fields) {
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
		Path context = directory.resolve("context");
		try (InputStream in = Files.newInputStream(archive)) {
			logs.add("Received build context (" + Files.size(archive) + " bytes)");
			size = TarExtractor.extract(in, context, 4 * this.maxUploadBytes, logs::add);
			logs.add("Dockerfile " + dockerfile
					+ " is not executed: the emulator uses the context as the sandbox file tree");
			logs.add("Image " + imageRef + " is ready");
		}
		catch (IOException | IllegalArgumentException ex) {
			error = "invalid build context: " + ex.getMessage();
			logs.add(error);
			try {
				SandboxFiles.deleteRecursively(context);
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
		EmulatorState.Build build = new EmulatorState.Build(id, imageName, imageRef, dockerfile, error, List.copyOf(logs),
				context, size, Instant.now().toString());
		this.state.addBuild(build);
		return Reply.json(200, build.toJson());
	}

	private static void cleanup(Path directory) {
		try {
			SandboxFiles.deleteRecursively(directory);
		}
		catch (IOException ex) {
			logger.debug("Could not remove the directory of a refused build " + directory + ": " + ex.getMessage());
		}
	}

}
