package ai.together.sandbox.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

import ai.together.sandbox.emulator.OpenApiSchemas.Api;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small HTTP client for the emulator's wire protocol that checks every JSON body it receives
 * against the OpenAPI schemas: a success body against the documented model, an error body against
 * the documented Error shape.
 */
final class EmulatorClient {

	static final HttpClient HTTP = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	/** No test request may hang the build. */
	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private final String baseUrl;

	private final String apiKey;

	EmulatorClient(String baseUrl, String apiKey) {
		this.baseUrl = baseUrl;
		this.apiKey = apiKey;
	}

	EmulatorClient(SandboxEmulator emulator) {
		this(emulator.baseUrl(), emulator.apiKey());
	}

	/** A response: status, raw body and parsed JSON (null when empty or not JSON). */
	record Response(int status, String text, @Nullable JsonNode json, HttpResponse<byte[]> raw) {

		JsonNode body() {
			assertThat(this.json).as("JSON body of HTTP %s: %s", this.status, this.text).isNotNull();
			return this.json;
		}

	}

	/** A started sandbox: its id and agent connection. */
	record Sandbox(String id, String agentUrl, String agentToken, JsonNode record) {
	}

	static Response send(HttpRequest request) {
		try {
			HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
			String text = new String(response.body(), StandardCharsets.UTF_8);
			JsonNode json = null;
			if (!text.isBlank() && response.headers().firstValue("Content-Type").orElse("").contains("json")) {
				json = OpenApiSchemas.MAPPER.readTree(text);
			}
			return new Response(response.statusCode(), text, json, response);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static HttpRequest.BodyPublisher json(@Nullable Object body) {
		if (body == null) {
			return HttpRequest.BodyPublishers.noBody();
		}
		String text = body instanceof String s ? s : OpenApiSchemas.MAPPER.writeValueAsString(body);
		return HttpRequest.BodyPublishers.ofString(text);
	}

	/**
	 * Calls the management API and validates the body: {@code schema} on success ({@code "X[]"} for
	 * an array), Error otherwise.
	 */
	Response management(String method, String path, @Nullable Object body, @Nullable String schema) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/api/v1" + path))
			.timeout(REQUEST_TIMEOUT)
			.method(method, json(body))
			.header("Authorization", "Bearer " + this.apiKey)
			.header("Content-Type", "application/json")
			.build();
		Response response = send(request);
		check(Api.MANAGEMENT, response, schema);
		return response;
	}

	/**
	 * Calls the current management API ({@code /v1}) and validates the body against its spec:
	 * {@code schema} on success ({@code "X[]"} for an array), Error otherwise. Without a body, no
	 * Content-Type is sent (as the SDKs send wait and retire).
	 */
	Response current(String method, String path, @Nullable Object body, @Nullable String schema) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.baseUrl + "/v1" + path))
			.timeout(REQUEST_TIMEOUT)
			.method(method, json(body))
			.header("Authorization", "Bearer " + this.apiKey);
		if (body != null) {
			builder.header("Content-Type", "application/json");
		}
		Response response = send(builder.build());
		check(Api.CURRENT_MANAGEMENT, response, schema);
		return response;
	}

	/**
	 * Creates a sandbox through {@code /v1} and waits for it to run, as the current SDKs do (wait
	 * only while it is starting).
	 */
	Sandbox createCurrent(java.util.Map<String, Object> body) {
		Response created = current("POST", "/sandboxes", body, "Sandbox");
		assertThat(created.status()).as("create: %s", created.text()).isEqualTo(201);
		JsonNode record = created.body();
		if (record.get("status").asString().equals("starting")) {
			Response waited = current("POST", "/sandboxes/" + record.get("id").asString() + "/wait", null, "Sandbox");
			assertThat(waited.status()).isEqualTo(200);
			record = waited.body();
		}
		assertThat(record.get("status").asString()).isEqualTo("running");
		JsonNode agent = record.get("agent");
		return new Sandbox(record.get("id").asString(), agent.get("url").asString(), agent.get("token").asString(),
				record);
	}

	/** Calls the agent of a sandbox of the current generation and validates against the current agent spec. */
	Response currentAgent(Sandbox sandbox, String method, String path, @Nullable Object body,
			@Nullable String schema) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.agentUrl() + path))
			.timeout(REQUEST_TIMEOUT)
			.method(method, json(body))
			.header("Authorization", "Bearer " + sandbox.agentToken())
			.header("Content-Type", "application/json")
			.build();
		Response response = send(request);
		check(Api.CURRENT_AGENT, response, schema);
		return response;
	}

	static void check(Api api, Response response, @Nullable String schema) {
		if (response.status() >= 400) {
			OpenApiSchemas.get().validate(api, "Error", false, response.body());
			assertThat(response.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
					ct -> assertThat(ct).contains("application/json"));
		}
		else if (schema != null) {
			boolean array = schema.endsWith("[]");
			OpenApiSchemas.get().validate(api, array ? schema.substring(0, schema.length() - 2) : schema, array,
					response.body());
		}
	}

	Response agent(Sandbox sandbox, String method, String path, HttpRequest.@Nullable BodyPublisher body,
			@Nullable String schema) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.agentUrl() + path))
			.timeout(REQUEST_TIMEOUT)
			.method(method, body != null ? body : HttpRequest.BodyPublishers.noBody())
			.header("Authorization", "Bearer " + sandbox.agentToken())
			.header("Content-Type", "application/json")
			.build();
		Response response = send(request);
		check(Api.AGENT, response, schema);
		return response;
	}

	Response agent(Sandbox sandbox, String method, String path, @Nullable Object body, @Nullable String schema) {
		return agent(sandbox, method, path, json(body), schema);
	}

	String createSnapshot() {
		Response response = management("POST", "/snapshots", java.util.Map.of("image", "alpine:latest",
				"architecture", "amd64"), "Snapshot");
		assertThat(response.status()).isEqualTo(201);
		return response.body().get("id").asString();
	}

	JsonNode createSandbox(String snapshotId) {
		Response response = management("POST", "/sandboxes", java.util.Map.of("millicpu", 1000, "memory_bytes",
				2147483648L, "disk_bytes", 10737418240L, "snapshot_id", snapshotId), "Sandbox");
		assertThat(response.status()).isEqualTo(201);
		return response.body();
	}

	/** Starts like the SDK does: start, then wait, then take the agent details of the wait response. */
	Sandbox start(String id) {
		Response started = management("POST", "/sandboxes/" + id + "/start", null, "Sandbox");
		assertThat(started.status()).isEqualTo(200);
		Response waited = management("POST", "/sandboxes/" + id + "/wait", null, "Sandbox");
		assertThat(waited.status()).isEqualTo(200);
		assertThat(waited.body().get("status").asString()).isEqualTo("running");
		return new Sandbox(id, waited.body().get("agent_url").asString(), waited.body().get("agent_token").asString(),
				waited.body());
	}

	Sandbox newSandbox(String snapshotId) {
		return start(createSandbox(snapshotId).get("id").asString());
	}

	JsonNode stop(String id, String type) {
		Response stopped = management("POST", "/sandboxes/" + id + "/stop", java.util.Map.of("stop_type", type),
				"Sandbox");
		assertThat(stopped.status()).isEqualTo(200);
		Response waited = management("POST", "/sandboxes/" + id + "/wait", null, "Sandbox");
		assertThat(waited.body().get("status").asString()).isEqualTo("stopped");
		return waited.body();
	}

	/**
	 * Reads a server-sent event stream until {@code done} accepts the events so far (or the stream
	 * ends), then closes it. Each event's data is parsed as JSON.
	 */
	static List<JsonNode> sse(String url, @Nullable String token, Predicate<List<JsonNode>> done, Duration timeout) {
		return sse(url, token, done, timeout, event -> {
		});
	}

	static List<JsonNode> sse(String url, @Nullable String token, Predicate<List<JsonNode>> done, Duration timeout,
			java.util.function.Consumer<JsonNode> onEvent) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/event-stream");
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		List<JsonNode> events = new ArrayList<>();
		CompletableFuture<HttpResponse<Stream<String>>> future = HTTP.sendAsync(builder.build(),
				HttpResponse.BodyHandlers.ofLines());
		HttpResponse<Stream<String>> response;
		try {
			response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("stream did not open: " + url, ex);
		}
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				ct -> assertThat(ct).startsWith("text/event-stream"));
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
			try (Stream<String> lines = response.body()) {
				var iterator = lines.iterator();
				while (iterator.hasNext()) {
					String line = iterator.next();
					if (line.startsWith("data:")) {
						synchronized (events) {
							JsonNode event = OpenApiSchemas.MAPPER.readTree(line.substring(5).trim());
							events.add(event);
							onEvent.accept(event);
							if (done.test(events)) {
								return;
							}
						}
					}
				}
			}
		});
		try {
			reader.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			response.body().close();
			synchronized (events) {
				throw new AssertionError("stream " + url + " did not deliver the expected events in time: " + events);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		synchronized (events) {
			return new ArrayList<>(events);
		}
	}

	static String enc(String value) {
		StringBuilder sb = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xff;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
					|| c == '-' || c == '~') {
				sb.append((char) c);
			}
			else {
				sb.append('%').append(String.format("%02X", c));
			}
		}
		return sb.toString();
	}

}
