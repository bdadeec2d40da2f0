package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.HttpTransport.ResponseDecoder;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.http.RetryEngine;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.sse.SseDecoder;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * Client of Together's remote image-builder service (PROTOCOL.md §5.3): uploads a build context,
 * follows the build log (server-sent events) and returns the reference of the image the service
 * built and pushed. Every request carries the API key as bearer token and goes through the
 * client's transport; submit and status calls are retried by the client's retry engine with the
 * <em>default</em> configuration (3 attempts, any failure), whatever the user configured, as the
 * Python SDK does.
 * <p>
 * The log stream is re-opened when it closes before the build is done or fails to open (up to
 * {@link BuildSettings#logStreamAttempts()} times, {@link BuildSettings#logReconnectPause()}
 * apart); the builder may replay lines it already sent. Cancelling the build's Mono while the log
 * is followed asks the service to cancel the build ({@code DELETE /builds/{id}}).
 */
public final class ImageBuilderClient {

	/** Operation name of the upload. */
	public static final String SUBMIT_OPERATION = "imageBuilder.submit";

	/** Operation name of the status call. */
	public static final String STATUS_OPERATION = "imageBuilder.getStatus";

	/** Operation name of the log stream (in error messages only; streams are not retried). */
	public static final String LOGS_OPERATION = "imageBuilder.logs";

	/** Operation name of the cancel call (in error messages only). */
	public static final String CANCEL_OPERATION = "imageBuilder.cancel";

	/** How many of the last log lines a failure message repeats. */
	public static final int LOG_TAIL_LINES = 20;

	/** Prefix of every build log line reported as progress. */
	public static final String LOG_PREFIX = "[image-builder] ";

	static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(60);

	static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

	static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(10);

	private static final ResponseDecoder<JsonNode> JSON = (status, body) -> Json.read(body, JsonNode.class);

	private static final ResponseDecoder<Void> DISCARD = (status, body) -> null;

	private final HttpTransport transport;

	private final RetryEngine retryEngine;

	private final String builderUrl;

	private final String apiKey;

	private final BuildSettings settings;

	/**
	 * Creates a client.
	 * @param transport the client's transport
	 * @param builderUrl the builder's base URL (see {@link #builderUrl(String)})
	 * @param apiKey the API key
	 * @param settings the log stream policy
	 */
	public ImageBuilderClient(HttpTransport transport, String builderUrl, String apiKey, BuildSettings settings) {
		this.transport = Objects.requireNonNull(transport, "transport");
		// The builder ignores the user's retry configuration (PROTOCOL.md §4.4), but keeps the
		// engine's listeners (metrics) and timing.
		this.retryEngine = transport.retryEngine().withConfig(RetryConfig.defaults());
		this.builderUrl = Objects.requireNonNull(builderUrl, "builderUrl");
		this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	/**
	 * Derives the builder URL from a management origin (PROTOCOL.md §5.3): every
	 * {@code api.bartender.} becomes {@code builder.}, then every remaining {@code api.} becomes
	 * {@code builder.}, and trailing slashes are removed. {@code https://api.codesandbox.io} gives
	 * {@code https://builder.codesandbox.io}; {@code http://localhost:8080} stays as it is.
	 * @param origin the management origin
	 * @return the builder URL
	 */
	public static String builderUrl(String origin) {
		String url = origin.replace("api.bartender.", "builder.").replace("api.", "builder.");
		while (url.endsWith("/")) {
			url = url.substring(0, url.length() - 1);
		}
		return url;
	}

	/**
	 * Returns the builder URL this client talks to.
	 * @return the builder URL
	 */
	public String builderUrl() {
		return this.builderUrl;
	}

	/**
	 * Builds an image: uploads the archive, follows the log and fetches the image reference.
	 * @param archive the gzip-compressed tar of the context
	 * @param imageName the image name to ask for ({@code name:tag}; the service adds the
	 * registry and namespace)
	 * @param dockerfile the Dockerfile's path relative to the context
	 * @param progress receives each build log line (prefixed, ANSI-stripped) and cancel failures
	 * @return the full image reference the service pushed
	 */
	public Mono<String> build(Path archive, String imageName, String dockerfile, Consumer<String> progress) {
		return submit(archive, imageName, dockerfile).flatMap((buildId) -> {
			LineTail tail = new LineTail(LOG_TAIL_LINES);
			return followLogs(buildId, progress, tail, 1)
				.doOnCancel(() -> cancel(buildId, progress))
				.then(Mono.defer(() -> imageRef(buildId)));
		});
	}

	private Mono<String> submit(Path archive, String imageName, String dockerfile) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("image_name", imageName);
		fields.put("dockerfile", dockerfile);
		fields.put("build_args", "{}");
		fields.put("nydus_convert", "true");
		String boundary = "together-sandbox-" + UUID.randomUUID().toString().replace("-", "");
		return Mono.fromCallable(() -> multipart(boundary, fields, archive))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((body) -> {
				ApiCall call = ApiCall.of(SUBMIT_OPERATION, null, HttpMethod.POST, uri("/builds"), this.apiKey)
					.withBody(body, "multipart/form-data; boundary=" + boundary)
					.withTimeout(SUBMIT_TIMEOUT);
				return this.transport.call(call, JSON, this.retryEngine, (error) -> true);
			})
			.map((response) -> {
				JsonNode id = response.get("build_id");
				String buildId = (id != null && id.isValueNode() && !id.isNull()) ? id.asString() : "";
				if (buildId.isEmpty()) {
					throw new SnapshotBuildException("No build_id in response: " + response, List.of(), null);
				}
				return buildId;
			});
	}

	private Mono<Void> followLogs(String buildId, Consumer<String> progress, LineTail tail, int attempt) {
		ApiCall call = ApiCall.of(LOGS_OPERATION, null, HttpMethod.GET,
				uri("/builds/" + PathEncoder.segment(buildId) + "/logs"), this.apiKey)
			.withHeader(HttpHeaders.ACCEPT, MediaType.TEXT_EVENT_STREAM_VALUE);
		Mono<Outcome> once = SseDecoder.decode(this.transport.stream(call))
			.<Boolean>handle((event, sink) -> {
				String data = event.data();
				if (data.startsWith("{") && (data.contains("\"done\"") || data.contains("\"error\""))) {
					JsonNode control = parseControl(data);
					if (control != null && truthy(control.get("done"))) {
						sink.next(Boolean.TRUE);
					}
					else if (control != null && control.has("error")) {
						sink.error(buildFailed(buildId, control.get("error"), tail));
					}
					// Anything else that looks like a control message ({"done":false}, bad JSON) is ignored.
					return;
				}
				String line = Ansi.strip(data);
				tail.add(line);
				progress.accept(LOG_PREFIX + line);
			})
			// The first "done" ends the stream: next() cancels it, which closes the connection.
			.next()
			.map((done) -> new Outcome(true, null))
			.defaultIfEmpty(new Outcome(false, null))
			.onErrorResume(ImageBuilderClient::isStreamFailure, (error) -> Mono.just(new Outcome(false, error)));
		return once.flatMap((outcome) -> {
			if (outcome.done()) {
				return Mono.empty();
			}
			if (attempt >= this.settings.logStreamAttempts()) {
				Throwable last = outcome.error();
				String reason = (last != null) ? "; last error: " + last.getMessage() : "";
				return Mono.error(new SnapshotBuildException("Build " + buildId
						+ " log stream ended without completion after " + attempt + " attempts" + reason
						+ tail.describe(), tail.lines(), last));
			}
			return this.settings.pauseSleeper()
				.sleep(this.settings.logReconnectPause())
				.then(Mono.defer(() -> followLogs(buildId, progress, tail, attempt + 1)));
		});
	}

	private Mono<String> imageRef(String buildId) {
		ApiCall call = ApiCall
			.of(STATUS_OPERATION, null, HttpMethod.GET, uri("/builds/" + PathEncoder.segment(buildId)), this.apiKey)
			.withTimeout(STATUS_TIMEOUT);
		return this.transport.call(call, JSON, this.retryEngine, (error) -> true)
			.map((status) -> {
				JsonNode ref = status.get("image_ref");
				String imageRef = (ref != null && ref.isValueNode() && !ref.isNull()) ? ref.asString() : "";
				if (imageRef.isEmpty()) {
					throw new SnapshotBuildException("Build succeeded but no image_ref in status: " + status,
							List.of(), null);
				}
				return imageRef;
			});
	}

	private void cancel(String buildId, Consumer<String> progress) {
		ApiCall call = ApiCall
			.of(CANCEL_OPERATION, null, HttpMethod.DELETE, uri("/builds/" + PathEncoder.segment(buildId)), this.apiKey)
			.withTimeout(CANCEL_TIMEOUT);
		// Detached from the cancelled pipeline on purpose: the build must be torn down server-side
		// even though nobody waits for the answer any more.
		this.transport.attempt(call, DISCARD)
			.subscribe((ignored) -> {
			}, (error) -> progress.accept("Failed to cancel build " + buildId + ": " + error.getMessage()));
	}

	private URI uri(String path) {
		return URI.create(this.builderUrl + path);
	}

	private static @Nullable JsonNode parseControl(String data) {
		try {
			JsonNode node = Json.tree(data.getBytes(StandardCharsets.UTF_8));
			return (node != null && node.isObject()) ? node : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean truthy(@Nullable JsonNode value) {
		if (value == null || value.isNull()) {
			return false;
		}
		if (value.isBoolean()) {
			return value.booleanValue();
		}
		if (value.isNumber()) {
			return value.doubleValue() != 0;
		}
		if (value.isString()) {
			return !value.asString().isEmpty();
		}
		return !value.isEmpty();
	}

	private static SnapshotBuildException buildFailed(String buildId, JsonNode error, LineTail tail) {
		String reason = error.isString() ? error.asString() : error.toString();
		return new SnapshotBuildException("Build " + buildId + " failed: " + reason + tail.describe(), tail.lines(),
				null);
	}

	private static boolean isStreamFailure(Throwable error) {
		// HTTP and transport failures of the stream (and an oversized event) are worth a new
		// connection; a build failure or an exception thrown by the progress callback is not.
		return error instanceof TogetherSandboxException && !(error instanceof SnapshotBuildException);
	}

	/**
	 * Builds a {@code multipart/form-data} body: the text fields, then the archive as the file
	 * field {@code context} ({@code context.tar.gz}, {@code application/gzip}).
	 * @param boundary the boundary
	 * @param fields the text fields, in order
	 * @param archive the archive
	 * @return the body
	 * @throws IOException when the archive cannot be read
	 */
	static byte[] multipart(String boundary, Map<String, String> fields, Path archive) throws IOException {
		StringBuilder head = new StringBuilder();
		fields.forEach((name, value) -> head.append("--").append(boundary).append("\r\n")
			.append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
			.append(value).append("\r\n"));
		head.append("--").append(boundary).append("\r\n")
			.append("Content-Disposition: form-data; name=\"context\"; filename=\"context.tar.gz\"\r\n")
			.append("Content-Type: application/gzip\r\n\r\n");
		byte[] prefix = head.toString().getBytes(StandardCharsets.UTF_8);
		byte[] suffix = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
		long size = Files.size(archive);
		if (size > Integer.MAX_VALUE - 16 - prefix.length - suffix.length) {
			throw new SnapshotBuildException("The build context archive is too large to upload (" + size + " bytes)",
					List.of(), null);
		}
		// One exactly sized array: the archive is read straight into place, never copied.
		byte[] body = new byte[prefix.length + (int) size + suffix.length];
		System.arraycopy(prefix, 0, body, 0, prefix.length);
		try (InputStream in = Files.newInputStream(archive)) {
			int read = in.readNBytes(body, prefix.length, (int) size);
			if (read != size) {
				throw new IOException("The build context archive changed while it was read");
			}
		}
		System.arraycopy(suffix, 0, body, prefix.length + (int) size, suffix.length);
		return body;
	}

	private record Outcome(boolean done, @Nullable Throwable error) {
	}

}
