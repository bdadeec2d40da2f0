package ai.together.sandbox.emulator.internal.management;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Auth;
import ai.together.sandbox.emulator.internal.http.Bodies;
import ai.together.sandbox.emulator.internal.http.ErrorStyle;
import ai.together.sandbox.emulator.internal.http.Json;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.http.RouteTable;
import ai.together.sandbox.emulator.internal.state.AliasRecord;
import ai.together.sandbox.emulator.internal.state.EmulatorState;
import ai.together.sandbox.emulator.internal.state.Ids;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRegistry;
import ai.together.sandbox.emulator.internal.state.SnapshotRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The management API under {@code /api/v1}, with the exact success codes of the specification:
 * 201 for creations, 204 with an empty body for aliases and deletions, 200 otherwise.
 */
public final class ManagementApi {

	private static final Pattern SANDBOX_ID = Pattern.compile("[A-Za-z0-9_-]{6,8}");

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private final EmulatorState state;

	private final SandboxRegistry sandboxes;

	private final SnapshotRegistry snapshots;

	private final String apiKey;

	private final Supplier<String> fallbackOrigin;

	private final long maxJsonBytes;

	/**
	 * Creates the API.
	 * @param state the state
	 * @param apiKey the API key
	 * @param fallbackOrigin the origin of URLs handed out when a request has no usable Host header
	 * @param maxJsonBytes the largest JSON request body
	 */
	public ManagementApi(EmulatorState state, String apiKey, Supplier<String> fallbackOrigin, long maxJsonBytes) {
		this.state = state;
		this.sandboxes = state.sandboxes();
		this.snapshots = state.snapshots();
		this.apiKey = apiKey;
		this.fallbackOrigin = fallbackOrigin;
		this.maxJsonBytes = maxJsonBytes;
	}

	/**
	 * Returns the route table of the management API: the wire paths of PROTOCOL.md §2. A snapshot
	 * or alias segment is a UUID or {@code @} followed by the percent-encoded alias.
	 * @return the routes
	 */
	public RouteTable<Request> routes() {
		return RouteTable.mount("/api/v1", ErrorStyle.MANAGEMENT, Auth.apiKey(this.apiKey))
			.ignoringEmptySegments()
			.post("/sandboxes", this::createSandbox)
			.get("/sandboxes", this::listSandboxes)
			.get("/sandboxes/batch", this::batchSandboxes)
			.get("/sandboxes/{id}", this::getSandbox)
			.delete("/sandboxes/{id}", this::deleteSandbox)
			.post("/sandboxes/{id}/start", this::start)
			.post("/sandboxes/{id}/stop", this::stop)
			.post("/sandboxes/{id}/wait", this::waitFor)
			.get("/sandboxes/{id}/versions/{version}", this::getVersion)
			.delete("/sandboxes/{id}/versions/{version}", this::deleteVersion)
			.get("/sandbox-versions/{version}", this::getVersionById)
			.delete("/sandbox-versions/{version}", this::deleteVersionById)
			.post("/snapshots", this::createSnapshot)
			.get("/snapshots", this::listSnapshots)
			.get("/snapshots/batch", this::batchSnapshots)
			.get("/snapshots/{snapshot}", this::getSnapshot)
			.delete("/snapshots/{snapshot}", this::deleteSnapshot)
			.post("/snapshots/{snapshot}/aliases", this::createAlias)
			.get("/snapshot-aliases/{alias}", this::getAlias)
			.delete("/snapshot-aliases/{alias}", this::deleteAlias)
			.post("/container-registries/default/credentials", this::registryCredentials)
			.post("/authorize", this::authorize)
			.build();
	}

	private Mono<Map<String, Object>> json(Request request) {
		return Bodies.jsonObject(request, this.maxJsonBytes);
	}

	private Reply sandboxReply(int status, SandboxInstance sandbox, Request request) {
		return Reply.json(status, ManagementJson.sandbox(sandbox.view(), request.origin(this.fallbackOrigin.get())));
	}

	static String uuid(String value, String what) {
		if (!UUID_PATTERN.matcher(value).matches()) {
			throw ApiException.badRequest(what + " must be a UUID: " + value);
		}
		return value.toLowerCase();
	}

	private static boolean projectFilter(Request request) {
		String project = request.queryParam("project_id");
		return project == null || project.isEmpty() || project.equals(SnapshotRegistry.PROJECT_ID);
	}

	// ---------------------------------------------------------------- sandboxes

	private Mono<Reply> createSandbox(Request request) {
		return json(request).publishOn(Schedulers.boundedElastic()).map(body -> createSandbox(body, request));
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
		SnapshotRecord snapshot;
		if (snapshotId != null) {
			snapshot = this.snapshots.get(uuid(snapshotId, "'snapshot_id'"));
		}
		else if (snapshotAlias != null) {
			snapshot = this.snapshots.byAlias(snapshotAlias);
		}
		else {
			throw ApiException.badRequest("One of snapshot_id or snapshot_alias is required");
		}
		refuseRetired(snapshot);
		String sandboxId = id;
		if (sandboxId == null) {
			do {
				sandboxId = Ids.alphanumeric(8);
			}
			while (this.sandboxes.find(sandboxId) != null);
		}
		SandboxInstance sandbox = this.sandboxes.create(sandboxId, millicpu, memory, disk,
				Boolean.TRUE.equals(ephemeral), snapshot.id(), this.state.snapshotTrees().treeOf(snapshot));
		return sandboxReply(201, sandbox, request);
	}

	private Mono<Reply> listSandboxes(Request request) {
		return Mono.fromSupplier(() -> {
			if (!projectFilter(request)) {
				return Reply.json(200, List.of());
			}
			String origin = request.origin(this.fallbackOrigin.get());
			return Reply.json(200, this.sandboxes.list()
				.stream()
				.filter(s -> !s.isCurrentGeneration())
				.map(s -> ManagementJson.sandbox(s.view(), origin))
				.toList());
		});
	}

	private Mono<Reply> batchSandboxes(Request request) {
		return Mono.fromSupplier(() -> {
			String origin = request.origin(this.fallbackOrigin.get());
			List<Map<String, Object>> result = new ArrayList<>();
			for (String id : batchIds(request)) {
				SandboxInstance sandbox = this.sandboxes.find(id);
				if (sandbox != null && !sandbox.isCurrentGeneration()) {
					result.add(ManagementJson.sandbox(sandbox.view(), origin));
				}
			}
			return Reply.json(200, result);
		});
	}

	private Mono<Reply> getSandbox(Request request) {
		return Mono.just(sandboxReply(200, sandbox(request), request));
	}

	private Mono<Reply> deleteSandbox(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return Reply.blocking(() -> {
			this.sandboxes.delete(sandbox);
			return Reply.empty(204);
		});
	}

	private Mono<Reply> start(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return json(request).flatMap(body -> {
			Long version = Json.integer(body, "version_number");
			if (version != null && version < 1) {
				throw ApiException.badRequest("'version_number' must be at least 1");
			}
			if (version != null && version != 1) {
				throw ApiException.notFound("sandbox version " + version + " not found");
			}
			// A start during a stop takes effect once the stop has settled; saving it blocks.
			return this.sandboxes.settled(sandbox).publishOn(Schedulers.boundedElastic()).map(s -> {
				this.sandboxes.start(s);
				return sandboxReply(200, s, request);
			});
		});
	}

	private Mono<Reply> stop(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return json(request).flatMap(body -> {
			String stopType = Json.string(body, "stop_type");
			if (stopType == null) {
				stopType = "shutdown";
			}
			if (!stopType.equals("shutdown") && !stopType.equals("hibernate")) {
				throw ApiException.badRequest("'stop_type' must be 'shutdown' or 'hibernate'");
			}
			String type = stopType;
			return this.sandboxes.settled(sandbox).publishOn(Schedulers.boundedElastic()).map(s -> {
				this.sandboxes.stop(s, type);
				return sandboxReply(200, s, request);
			});
		});
	}

	private Mono<Reply> waitFor(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return Bodies.drain(request).then(this.sandboxes.settled(sandbox)).map(s -> sandboxReply(200, s, request));
	}

	// ---------------------------------------------------------------- versions

	/** The current version of a sandbox: its only one, number 1. */
	private SandboxInstance versioned(Request request) {
		SandboxInstance sandbox = sandbox(request);
		String version = request.pathParam("version");
		if (!version.equals("current") && !version.equals("1")) {
			throw ApiException.notFound("sandbox version " + version + " not found");
		}
		return sandbox;
	}

	private SandboxInstance byVersionId(Request request) {
		String version = request.pathParam("version");
		return this.sandboxes.list()
			.stream()
			.filter(s -> !s.isCurrentGeneration())
			.filter(s -> s.versionId().equalsIgnoreCase(version))
			.findFirst()
			.orElseThrow(() -> ApiException.notFound("sandbox version " + version + " not found"));
	}

	private Mono<Reply> getVersion(Request request) {
		return Mono.just(Reply.json(200, ManagementJson.version(versioned(request).record())));
	}

	private Mono<Reply> deleteVersion(Request request) {
		versioned(request);
		throw ApiException.badRequest("the current version cannot be deleted");
	}

	private Mono<Reply> getVersionById(Request request) {
		return Mono.just(Reply.json(200, ManagementJson.version(byVersionId(request).record())));
	}

	private Mono<Reply> deleteVersionById(Request request) {
		byVersionId(request);
		throw ApiException.badRequest("the current version cannot be deleted");
	}

	// ---------------------------------------------------------------- snapshots and aliases

	private Mono<Reply> createSnapshot(Request request) {
		return json(request).publishOn(Schedulers.boundedElastic()).map(body -> {
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
			SnapshotRecord snapshot = this.snapshots.create(image, architecture,
					this.state.builds().succeededByImage(image));
			return Reply.json(201, ManagementJson.snapshot(snapshot));
		});
	}

	private Mono<Reply> listSnapshots(Request request) {
		return Mono.fromSupplier(() -> Reply.json(200, projectFilter(request)
				? this.snapshots.list().stream().map(ManagementJson::snapshot).toList() : List.of()));
	}

	private Mono<Reply> batchSnapshots(Request request) {
		return Mono.fromSupplier(() -> {
			List<Map<String, Object>> result = new ArrayList<>();
			for (String id : batchIds(request)) {
				try {
					result.add(ManagementJson.snapshot(this.snapshots.get(uuid(id, "snapshot id"))));
				}
				catch (ApiException ex) {
					if (ex.status() != 404) {
						throw ex;
					}
				}
			}
			return Reply.json(200, result);
		});
	}

	/** The snapshot of the route: a UUID, or {@code @} (part of the route) and the encoded alias. */
	private SnapshotRecord snapshot(Request request) {
		String raw = request.rawPathParam("snapshot");
		return raw.startsWith("@") ? this.snapshots.byAlias(request.pathParam("snapshot").substring(1))
				: this.snapshots.get(uuid(request.pathParam("snapshot"), "snapshot id"));
	}

	private Mono<Reply> getSnapshot(Request request) {
		return Mono.just(Reply.json(200, ManagementJson.snapshot(snapshot(request))));
	}

	private Mono<Reply> deleteSnapshot(Request request) {
		SnapshotRecord snapshot = snapshot(request);
		return Reply.blocking(() -> {
			this.snapshots.delete(snapshot.id());
			this.state.snapshotTrees().delete(snapshot.id());
			return Reply.empty(204);
		});
	}

	private Mono<Reply> createAlias(Request request) {
		String id = uuid(request.pathParam("snapshot"), "snapshot id");
		this.snapshots.get(id);
		return json(request).publishOn(Schedulers.boundedElastic()).map(body -> {
			String alias = Json.requiredString(body, "alias");
			if (alias.isBlank()) {
				throw ApiException.badRequest("'alias' must not be empty");
			}
			this.snapshots.alias(id, alias);
			return Reply.empty(204);
		});
	}

	private Mono<Reply> getAlias(Request request) {
		return Mono.just(Reply.json(200, ManagementJson.alias(alias(request))));
	}

	private Mono<Reply> deleteAlias(Request request) {
		AliasRecord alias = alias(request);
		return Reply.blocking(() -> {
			this.snapshots.deleteAlias(alias);
			return Reply.empty(204);
		});
	}

	private AliasRecord alias(Request request) {
		String raw = request.rawPathParam("alias");
		return raw.startsWith("@") ? this.snapshots.alias(request.pathParam("alias").substring(1))
				: this.snapshots.aliasById(uuid(request.pathParam("alias"), "alias id"));
	}

	// ---------------------------------------------------------------- other

	private Mono<Reply> registryCredentials(Request request) {
		return registryCredentials(request, this.fallbackOrigin.get());
	}

	/** Issues a registry credential (both generations): 201. */
	static Mono<Reply> registryCredentials(Request request, String fallbackOrigin) {
		Map<String, Object> credential = new LinkedHashMap<>();
		credential.put("username", "emulator");
		credential.put("password", Ids.secret());
		credential.put("registry_url",
				request.origin(fallbackOrigin).substring("http://".length()) + "/emulator");
		credential.put("expired_at", Instant.now().plus(1, ChronoUnit.HOURS).toString());
		return Bodies.drain(request).thenReturn(Reply.json(201, credential));
	}

	private Mono<Reply> authorize(Request request) {
		return authorize(request, this.maxJsonBytes);
	}

	/** Accepts an authorization request (both generations): 204. */
	static Mono<Reply> authorize(Request request, long maxJsonBytes) {
		return Bodies.jsonObject(request, maxJsonBytes).map(body -> {
			Json.string(body, "project_id");
			return Reply.empty(204);
		});
	}

	/** A snapshot that is retired creates no sandbox, in either generation. */
	static void refuseRetired(SnapshotRecord snapshot) {
		if (snapshot.retiredAt(Instant.now()) != null) {
			throw ApiException.badRequest("snapshot " + snapshot.id() + " is retired and can no longer create sandboxes");
		}
	}

	/** A sandbox of the seed generation: those of the current one are not part of this API. */
	private SandboxInstance sandbox(Request request) {
		String id = request.pathParam("id");
		SandboxInstance sandbox = this.sandboxes.get(id);
		if (sandbox.isCurrentGeneration()) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		return sandbox;
	}

	static List<String> batchIds(Request request) {
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

}
