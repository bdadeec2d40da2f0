package ai.together.sandbox.emulator.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.Http.Reply;
import ai.together.sandbox.emulator.internal.Http.Request;
import reactor.core.publisher.Mono;

/**
 * The management API under {@code /api/v1}, with the exact success codes of the specification:
 * 201 for creations, 204 with an empty body for aliases and deletions, 200 otherwise.
 */
final class ManagementApi {

	private static final Pattern SANDBOX_ID = Pattern.compile("[A-Za-z0-9_-]{6,8}");

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private final EmulatorState state;

	private final String apiKey;

	private final String fallbackOrigin;

	private final long maxJsonBytes;

	ManagementApi(EmulatorState state, String apiKey, String fallbackOrigin, long maxJsonBytes) {
		this.state = state;
		this.apiKey = apiKey;
		this.fallbackOrigin = fallbackOrigin;
		this.maxJsonBytes = maxJsonBytes;
	}

	static Map<String, Object> error(int status, String message) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("code", codeName(status));
		json.put("message", message);
		json.put("errors", List.of());
		return json;
	}

	private static String codeName(int status) {
		return switch (status) {
			case 400 -> "BAD_REQUEST";
			case 401 -> "UNAUTHORIZED";
			case 403 -> "FORBIDDEN";
			case 404 -> "NOT_FOUND";
			case 405 -> "METHOD_NOT_ALLOWED";
			case 409 -> "CONFLICT";
			case 413 -> "PAYLOAD_TOO_LARGE";
			default -> status >= 500 ? "INTERNAL_ERROR" : "ERROR";
		};
	}

	void authenticate(Request request) {
		if (!Http.bearerMatches(request, this.apiKey)) {
			throw new ApiException(401, "missing or invalid API key");
		}
	}

	/**
	 * Handles a request whose path starts with {@code /api/v1}.
	 */
	Mono<Reply> handle(Request request) {
		authenticate(request);
		String rest = request.path().substring("/api/v1".length());
		List<String> raw = new ArrayList<>();
		for (String segment : rest.split("/")) {
			if (!segment.isEmpty()) {
				raw.add(segment);
			}
		}
		List<String> seg = raw.stream().map(Http::decodePath).toList();
		String method = request.method();
		int n = seg.size();
		if (n == 0) {
			throw ApiException.notFound("no such endpoint: " + request.path());
		}
		switch (seg.get(0)) {
			case "sandboxes" -> {
				if (n == 1) {
					return switch (method) {
						case "POST" -> json(request).publishOn(reactor.core.scheduler.Schedulers.boundedElastic())
							.map(body -> createSandbox(body, request));
						case "GET" -> Mono.fromSupplier(() -> listSandboxes(request));
						default -> methodNotAllowed();
					};
				}
				if (n == 2 && seg.get(1).equals("batch") && method.equals("GET")) {
					return Mono.fromSupplier(() -> batchSandboxes(request));
				}
				SandboxInstance sandbox = this.state.sandbox(seg.get(1));
				if (n == 2) {
					return switch (method) {
						case "GET" -> Mono.just(sandboxReply(200, sandbox, request));
						case "DELETE" -> Http.blocking(() -> {
							this.state.delete(sandbox);
							return Reply.empty(204);
						});
						default -> methodNotAllowed();
					};
				}
				if (n == 3 && method.equals("POST")) {
					return switch (seg.get(2)) {
						case "start" -> json(request).flatMap(body -> start(sandbox, body, request));
						case "stop" -> json(request).flatMap(body -> stop(sandbox, body, request));
						case "wait" -> Http.drain(request)
							.then(this.state.settled(sandbox))
							.map(s -> sandboxReply(200, s, request));
						default -> throw ApiException.notFound("no such endpoint: " + request.path());
					};
				}
				if (n == 4 && seg.get(2).equals("versions")) {
					if (!seg.get(3).equals("current") && !seg.get(3).equals("1")) {
						throw ApiException.notFound("sandbox version " + seg.get(3) + " not found");
					}
					return switch (method) {
						case "GET" -> Mono.just(Reply.json(200, version(sandbox)));
						case "DELETE" -> throw ApiException.badRequest("the current version cannot be deleted");
						default -> methodNotAllowed();
					};
				}
			}
			case "sandbox-versions" -> {
				if (n == 2) {
					SandboxInstance sandbox = this.state.sandboxes()
						.stream()
						.filter(s -> s.versionId.equalsIgnoreCase(seg.get(1)))
						.findFirst()
						.orElseThrow(() -> ApiException.notFound("sandbox version " + seg.get(1) + " not found"));
					return switch (method) {
						case "GET" -> Mono.just(Reply.json(200, version(sandbox)));
						case "DELETE" -> throw ApiException.badRequest("the current version cannot be deleted");
						default -> methodNotAllowed();
					};
				}
			}
			case "snapshots" -> {
				if (n == 1) {
					return switch (method) {
						case "POST" -> json(request).map(this::createSnapshot);
						case "GET" -> Mono.fromSupplier(() -> Reply.json(200, projectFilter(request)
							? this.state.snapshots().stream().map(EmulatorState::snapshotJson).toList() : List.of()));
						default -> methodNotAllowed();
					};
				}
				if (n == 2 && seg.get(1).equals("batch") && method.equals("GET")) {
					return Mono.fromSupplier(() -> batchSnapshots(request));
				}
				if (n == 2) {
					// The literal '@' belongs to the route; the alias after it was percent-encoded.
					boolean byAlias = raw.get(1).startsWith("@");
					Map<String, Object> snapshot = byAlias ? this.state.snapshotByAlias(Http.decodePath(raw.get(1).substring(1)))
							: this.state.snapshot(uuid(seg.get(1), "snapshot id"));
					return switch (method) {
						case "GET" -> Mono.just(Reply.json(200, EmulatorState.snapshotJson(snapshot)));
						case "DELETE" -> Http.blocking(() -> {
							this.state.deleteSnapshot((String) snapshot.get("id"));
							return Reply.empty(204);
						});
						default -> methodNotAllowed();
					};
				}
				if (n == 3 && seg.get(2).equals("aliases") && method.equals("POST")) {
					String id = uuid(seg.get(1), "snapshot id");
					this.state.snapshot(id);
					return json(request).map(body -> {
						String alias = Json.requiredString(body, "alias");
						if (alias.isBlank()) {
							throw ApiException.badRequest("'alias' must not be empty");
						}
						this.state.alias(id, alias);
						return Reply.empty(204);
					});
				}
			}
			case "snapshot-aliases" -> {
				if (n == 2) {
					Map<String, Object> alias = raw.get(1).startsWith("@")
							? this.state.alias(Http.decodePath(raw.get(1).substring(1)))
							: this.state.aliasById(uuid(seg.get(1), "alias id"));
					return switch (method) {
						case "GET" -> Mono.just(Reply.json(200, alias));
						case "DELETE" -> Mono.fromSupplier(() -> {
							this.state.deleteAlias(alias);
							return Reply.empty(204);
						});
						default -> methodNotAllowed();
					};
				}
			}
			case "container-registries" -> {
				if (n == 3 && seg.get(1).equals("default") && seg.get(2).equals("credentials")
						&& method.equals("POST")) {
					Map<String, Object> credential = new LinkedHashMap<>();
					credential.put("username", "emulator");
					credential.put("password", Ids.secret());
					credential.put("registry_url",
							request.origin(this.fallbackOrigin).substring("http://".length()) + "/emulator");
					credential.put("expired_at", Instant.now().plus(1, ChronoUnit.HOURS).toString());
					return Http.drain(request).thenReturn(Reply.json(201, credential));
				}
			}
			case "authorize" -> {
				if (n == 1 && method.equals("POST")) {
					return json(request).map(body -> {
						Json.string(body, "project_id");
						return Reply.empty(204);
					});
				}
			}
			default -> {
				// falls through to the 404 below
			}
		}
		throw ApiException.notFound("no such endpoint: " + method + " " + request.path());
	}

	private static <T> T methodNotAllowed() {
		throw new ApiException(405, "method not allowed");
	}

	private Mono<Map<String, Object>> json(Request request) {
		return Http.body(request, this.maxJsonBytes).map(Json::object);
	}

	private Reply sandboxReply(int status, SandboxInstance sandbox, Request request) {
		return Reply.json(status, sandbox.toJson(request.origin(this.fallbackOrigin)));
	}

	private static String uuid(String value, String what) {
		if (!UUID_PATTERN.matcher(value).matches()) {
			throw ApiException.badRequest(what + " must be a UUID: " + value);
		}
		return value.toLowerCase();
	}

	private static boolean projectFilter(Request request) {
		String project = request.queryParam("project_id");
		return project == null || project.isEmpty() || project.equals(EmulatorState.PROJECT_ID);
	}

	private Reply createSandbox(Map<String, Object> body, Request request) {
		long millicpu = Json.requiredInteger(body, "millicpu");
		if (millicpu < 250 || millicpu % 250 != 0) {
			throw ApiException.badRequest("'millicpu' must be at least 250 and a multiple of 250");
		}
		long memory = Json.requiredInteger(body, "memory_bytes");
		if (memory < 1) {
			throw ApiException.badRequest("'memory_bytes' must be at least 1");
		}
		long disk = Json.requiredInteger(body, "disk_bytes");
		if (disk < 1) {
			throw ApiException.badRequest("'disk_bytes' must be at least 1");
		}
		String id = Json.string(body, "id");
		if (id != null && !SANDBOX_ID.matcher(id).matches()) {
			throw ApiException.badRequest("'id' must be 6 to 8 letters, digits, '-' or '_'");
		}
		Boolean ephemeral = Json.bool(body, "ephemeral");
		String snapshotId = Json.string(body, "snapshot_id");
		String snapshotAlias = Json.string(body, "snapshot_alias");
		Map<String, Object> snapshot;
		if (snapshotId != null) {
			snapshot = this.state.snapshot(uuid(snapshotId, "'snapshot_id'"));
		}
		else if (snapshotAlias != null) {
			snapshot = this.state.snapshotByAlias(snapshotAlias);
		}
		else {
			throw ApiException.badRequest("One of snapshot_id or snapshot_alias is required");
		}
		String sandboxId = id;
		if (sandboxId == null) {
			do {
				sandboxId = Ids.alphanumeric(8);
			}
			while (this.state.findSandbox(sandboxId) != null);
		}
		SandboxInstance sandbox = this.state.createSandbox(sandboxId, millicpu, memory, disk,
				Boolean.TRUE.equals(ephemeral), snapshot);
		return sandboxReply(201, sandbox, request);
	}

	private Mono<Reply> start(SandboxInstance sandbox, Map<String, Object> body, Request request) {
		Long version = Json.integer(body, "version_number");
		if (version != null && version < 1) {
			throw ApiException.badRequest("'version_number' must be at least 1");
		}
		if (version != null && version != 1) {
			throw ApiException.notFound("sandbox version " + version + " not found");
		}
		// A start during a stop takes effect once the stop has settled.
		return this.state.settled(sandbox).map(s -> {
			this.state.start(s);
			return sandboxReply(200, s, request);
		});
	}

	private Mono<Reply> stop(SandboxInstance sandbox, Map<String, Object> body, Request request) {
		String stopType = Json.string(body, "stop_type");
		if (stopType == null) {
			stopType = "shutdown";
		}
		if (!stopType.equals("shutdown") && !stopType.equals("hibernate")) {
			throw ApiException.badRequest("'stop_type' must be 'shutdown' or 'hibernate'");
		}
		String type = stopType;
		return this.state.settled(sandbox).map(s -> {
			this.state.stop(s, type);
			return sandboxReply(200, s, request);
		});
	}

	private Reply listSandboxes(Request request) {
		if (!projectFilter(request)) {
			return Reply.json(200, List.of());
		}
		String origin = request.origin(this.fallbackOrigin);
		return Reply.json(200, this.state.sandboxes().stream().map(s -> s.toJson(origin)).toList());
	}

	private static List<String> batchIds(Request request) {
		List<String> ids = new ArrayList<>(request.queryParams("ids[]"));
		ids.addAll(request.queryParams("ids"));
		if (ids.size() > 100) {
			throw ApiException.badRequest("at most 100 ids may be requested");
		}
		Set<String> seen = new HashSet<>();
		for (String id : ids) {
			if (!seen.add(id)) {
				throw ApiException.badRequest("duplicate id: " + id);
			}
		}
		return ids;
	}

	private Reply batchSandboxes(Request request) {
		String origin = request.origin(this.fallbackOrigin);
		List<Map<String, Object>> result = new ArrayList<>();
		for (String id : batchIds(request)) {
			SandboxInstance sandbox = this.state.findSandbox(id);
			if (sandbox != null) {
				result.add(sandbox.toJson(origin));
			}
		}
		return Reply.json(200, result);
	}

	private Reply batchSnapshots(Request request) {
		List<Map<String, Object>> result = new ArrayList<>();
		for (String id : batchIds(request)) {
			try {
				result.add(EmulatorState.snapshotJson(this.state.snapshot(uuid(id, "snapshot id"))));
			}
			catch (ApiException ex) {
				if (ex.status() != 404) {
					throw ex;
				}
			}
		}
		return Reply.json(200, result);
	}

	private Reply createSnapshot(Map<String, Object> body) {
		String image = Json.requiredString(body, "image");
		if (image.isBlank()) {
			throw ApiException.badRequest("'image' must not be empty");
		}
		String architecture = Json.string(body, "architecture");
		if (architecture == null) {
			architecture = "amd64";
		}
		if (!architecture.equals("amd64") && !architecture.equals("arm64")) {
			throw ApiException.badRequest("'architecture' must be 'amd64' or 'arm64'");
		}
		return Reply.json(201, EmulatorState.snapshotJson(this.state.createSnapshot(image, architecture)));
	}

	private static Map<String, Object> version(SandboxInstance sandbox) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", sandbox.versionId);
		json.put("sandbox_id", sandbox.id);
		json.put("number", 1);
		json.put("snapshot_id", sandbox.snapshotId);
		json.put("created_at", sandbox.createdAt.toString());
		return json;
	}

}
