package ai.together.sandbox.emulator.internal.management;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Auth;
import ai.together.sandbox.emulator.internal.http.Bodies;
import ai.together.sandbox.emulator.internal.http.ErrorStyle;
import ai.together.sandbox.emulator.internal.http.Json;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.http.RouteTable;
import ai.together.sandbox.emulator.internal.state.AliasRecord;
import ai.together.sandbox.emulator.internal.state.CurrentFields;
import ai.together.sandbox.emulator.internal.state.EmulatorState;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import ai.together.sandbox.emulator.internal.state.SandboxRegistry;
import ai.together.sandbox.emulator.internal.state.SnapshotRecord;
import ai.together.sandbox.emulator.internal.state.SnapshotRegistry;
import ai.together.sandbox.emulator.internal.state.TerminationSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The management API of the current generation under {@code /v1} (CURRENT-API.md §2), on the
 * same state as the seed API: the snapshots, aliases and builds are shared, while a sandbox
 * belongs to the generation that created it (the other generation does not list it and answers
 * 404 for it). Sandboxes created here start at once, are identified by UUIDs, and end with
 * terminate, which takes the snapshot of their termination policy (or of the request) aliased
 * {@code sandbox:<id>}.
 */
public final class CurrentManagementApi {

	private static final Log logger = LogFactory.getLog(CurrentManagementApi.class);

	private static final Set<String> STATUSES = Set.of("starting", "running", "terminating", "terminated",
			"failed_to_start", "recovering", "unrecovered");

	private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,57}[A-Za-z0-9])?");

	private static final Pattern TAG_PARAM = Pattern.compile("tags\\[(.*)]");

	/** The disk of every sandbox: the current API has no disk size. */
	private static final long DISK_BYTES = 10L * 1024 * 1024 * 1024;

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
	public CurrentManagementApi(EmulatorState state, String apiKey, Supplier<String> fallbackOrigin,
			long maxJsonBytes) {
		this.state = state;
		this.sandboxes = state.sandboxes();
		this.snapshots = state.snapshots();
		this.apiKey = apiKey;
		this.fallbackOrigin = fallbackOrigin;
		this.maxJsonBytes = maxJsonBytes;
	}

	/**
	 * Returns the route table: every endpoint of the current management specification. A snapshot
	 * segment is a UUID, or {@code @} followed by the percent-encoded alias.
	 * @return the routes
	 */
	public RouteTable<Request> routes() {
		return RouteTable.mount("/v1", ErrorStyle.MANAGEMENT, Auth.apiKey(this.apiKey))
			.ignoringEmptySegments()
			.post("/sandboxes", this::createSandbox)
			.get("/sandboxes", this::listSandboxes)
			.get("/sandboxes/batch", this::batchSandboxes)
			.get("/sandboxes/{id}", request -> Mono.fromSupplier(() -> sandboxReply(200, sandbox(request), request)))
			.post("/sandboxes/{id}/terminate", this::terminate)
			.post("/sandboxes/{id}/wait", this::waitFor)
			.post("/snapshots", this::createSnapshot)
			.get("/snapshots", this::listSnapshots)
			.get("/snapshots/batch", this::batchSnapshots)
			.get("/snapshots/{snapshot}",
					request -> Mono.fromSupplier(() -> Reply.json(200, CurrentJson.snapshot(snapshot(request)))))
			.post("/snapshots/{snapshot}/retire", this::retire)
			.get("/snapshots/{snapshot}/aliases", this::listAliases)
			.post("/snapshots/{snapshot}/aliases", this::createAlias)
			.delete("/snapshot-aliases/{alias}", this::deleteAlias)
			.post("/container-registries/default/credentials",
					request -> ManagementApi.registryCredentials(request, this.fallbackOrigin.get()))
			.post("/authorize", request -> ManagementApi.authorize(request, this.maxJsonBytes))
			.build();
	}

	private Reply sandboxReply(int status, SandboxInstance sandbox, Request request) {
		return Reply.json(status, CurrentJson.sandbox(sandbox.view(), request.origin(this.fallbackOrigin.get())));
	}

	/** A sandbox of this generation by the UUID of the route. */
	private SandboxInstance sandbox(Request request) {
		String id = ManagementApi.uuid(request.pathParam("id"), "sandbox id");
		SandboxInstance sandbox = this.sandboxes.find(id);
		if (sandbox == null || !sandbox.isCurrentGeneration()) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		return sandbox;
	}

	// ---------------------------------------------------------------- sandboxes

	private Mono<Reply> createSandbox(Request request) {
		return Bodies.jsonObject(request, this.maxJsonBytes)
			.publishOn(Schedulers.boundedElastic())
			.map(body -> createSandbox(body, request));
	}

	private Reply createSandbox(Map<String, Object> body, Request request) {
		double cpu = number(body, "cpu", 1);
		if (!(cpu >= 0.1 && cpu <= 16)) {
			throw ApiException.badRequest("'cpu' must be between 0.1 and 16 cores");
		}
		Long memory = Json.integer(body, "memory_bytes");
		long memoryBytes = memory != null ? memory : 2_000_000_000L;
		if (memoryBytes < 200_000_000L || memoryBytes > 32_000_000_000L) {
			throw ApiException.badRequest("'memory_bytes' must be between 200000000 and 32000000000");
		}
		Long ttl = positive(body, "ttl");
		Map<String, String> tags = tags(body, "tags");
		TerminationSnapshot policy = null;
		Object terminationPolicy = body.get("termination_policy");
		if (terminationPolicy != null) {
			if (!(terminationPolicy instanceof Map<?, ?> map) || !(map.get("snapshot") instanceof Map<?, ?>)) {
				throw ApiException.badRequest("'termination_policy' must be an object with a 'snapshot' object");
			}
			policy = terminationSnapshot(map.get("snapshot"), "termination_policy.snapshot");
		}
		SnapshotRecord snapshot = snapshotToCreateFrom(body);
		ManagementApi.refuseRetired(snapshot);
		String id = UUID.randomUUID().toString();
		// Created running: the start is not a separate call any more, and is saved with the creation.
		SandboxInstance sandbox = this.sandboxes.createStarted(id, Math.round(cpu * 1000), memoryBytes, DISK_BYTES,
				policy == null, snapshot.id(), this.state.snapshotTrees().treeOf(snapshot),
				new CurrentFields(cpu, ttl, tags, policy, null));
		if (ttl != null) {
			// Counted from creation; one still starting then is terminated once it runs.
			this.sandboxes.schedule(() -> this.sandboxes.settled(sandbox).subscribe(this::autoterminate),
					Duration.ofSeconds(ttl));
		}
		return sandboxReply(201, sandbox, request);
	}

	/** Terminates a sandbox whose ttl ran out (on the lifecycle thread, where saving may block). */
	private void autoterminate(SandboxInstance sandbox) {
		try {
			terminate(sandbox, sandbox.record().current().terminationPolicy(), "autoterminated");
		}
		catch (RuntimeException ex) {
			logger.error("Sandbox " + sandbox.id() + " keeps running past its ttl: " + ex.getMessage());
		}
	}

	private SnapshotRecord snapshotToCreateFrom(Map<String, Object> body) {
		String snapshotId = Json.string(body, "snapshot_id");
		String snapshotAlias = Json.string(body, "snapshot_alias");
		if (snapshotId != null) {
			return this.snapshots.get(ManagementApi.uuid(snapshotId, "'snapshot_id'"));
		}
		if (snapshotAlias != null) {
			return this.snapshots.byAlias(snapshotAlias);
		}
		throw ApiException.badRequest("One of snapshot_id or snapshot_alias is required");
	}

	private Mono<Reply> listSandboxes(Request request) {
		return Mono.fromSupplier(() -> {
			List<String> statuses = new ArrayList<>(request.queryParams("statuses[]"));
			statuses.addAll(request.queryParams("statuses"));
			for (String status : statuses) {
				if (!STATUSES.contains(status)) {
					throw ApiException.badRequest("unknown status in 'statuses[]': " + status);
				}
			}
			Map<String, String> tags = tagFilter(request);
			String snapshotId = request.queryParam("snapshot_id");
			String origin = request.origin(this.fallbackOrigin.get());
			List<SandboxInstance.View> views = this.sandboxes.list()
				.stream()
				.filter(SandboxInstance::isCurrentGeneration)
				.map(SandboxInstance::view)
				.filter(view -> statuses.isEmpty()
						|| statuses.contains(CurrentJson.Status.of(view.record()).status()))
				.filter(view -> snapshotId == null || snapshotId.isEmpty()
						|| view.record().snapshotId().equalsIgnoreCase(snapshotId))
				.filter(view -> view.record().current().tags().entrySet().containsAll(tags.entrySet()))
				.toList();
			return page(request, views, view -> view.record().id(), view -> CurrentJson.sandbox(view, origin));
		});
	}

	private Mono<Reply> batchSandboxes(Request request) {
		return Mono.fromSupplier(() -> {
			String origin = request.origin(this.fallbackOrigin.get());
			List<Map<String, Object>> result = new ArrayList<>();
			for (String id : batchUuids(request)) {
				SandboxInstance sandbox = this.sandboxes.find(id);
				if (sandbox != null && sandbox.isCurrentGeneration()) {
					result.add(CurrentJson.sandbox(sandbox.view(), origin));
				}
			}
			return Reply.json(200, result);
		});
	}

	private Mono<Reply> terminate(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return Bodies.jsonObject(request, this.maxJsonBytes).flatMap(body -> {
			TerminationSnapshot snapshot;
			if (!body.containsKey("snapshot")) {
				snapshot = sandbox.record().current().terminationPolicy();
			}
			else if (body.get("snapshot") == null) {
				snapshot = null;
			}
			else {
				snapshot = terminationSnapshot(body.get("snapshot"), "snapshot");
			}
			// A terminate while the sandbox starts takes effect once it runs; saving it blocks.
			return this.sandboxes.settled(sandbox).publishOn(Schedulers.boundedElastic()).map(settled -> {
				terminate(settled, snapshot, "termination_requested");
				return sandboxReply(200, settled, request);
			});
		});
	}

	/**
	 * Terminates a running sandbox: its execs die, then its files become the termination snapshot
	 * (aliased {@code sandbox:<id>} and the given aliases) and are deleted. A 500
	 * {@link ApiException} (and no termination) if the termination cannot be saved.
	 */
	private void terminate(SandboxInstance sandbox, @Nullable TerminationSnapshot snapshot, String reason) {
		this.sandboxes.terminate(sandbox, reason, () -> {
			if (snapshot != null) {
				// A snapshot that cannot be taken or saved throws: the files then stay in the
				// sandbox's directory, and the registry logs the error.
				takeSnapshot(sandbox, snapshot);
			}
			// A terminated sandbox is never used again: its files live on in the snapshot only.
			try {
				FileTrees.deleteRecursively(sandbox.files().root());
			}
			catch (IOException ex) {
				logger.debug("Could not delete the files of sandbox " + sandbox.id() + ": " + ex.getMessage());
			}
		});
	}

	private void takeSnapshot(SandboxInstance sandbox, TerminationSnapshot snapshot) {
		String snapshotId = UUID.randomUUID().toString();
		long bytes;
		try {
			bytes = this.state.snapshotTrees().capture(sandbox.files().root(), snapshotId);
		}
		catch (IOException ex) {
			throw new IllegalStateException("the files could not be snapshotted: " + SandboxFiles.reason(ex), ex);
		}
		List<String> aliases = new ArrayList<>();
		aliases.add("sandbox:" + sandbox.id());
		if (snapshot.aliases() != null) {
			aliases.addAll(snapshot.aliases());
		}
		try {
			// The snapshot and all its aliases in one change: all of them are saved, or none.
			this.snapshots.register(snapshotId, "sandbox:" + sandbox.id(), "amd64", null, bytes,
					snapshot.tags() != null ? snapshot.tags() : Map.of(), snapshot.ttl(), aliases);
		}
		catch (RuntimeException ex) {
			this.state.snapshotTrees().delete(snapshotId);
			throw new IllegalStateException("the termination snapshot could not be saved, the files stay in "
					+ sandbox.files().root() + ": " + ex.getMessage(), ex);
		}
	}

	private Mono<Reply> waitFor(Request request) {
		SandboxInstance sandbox = sandbox(request);
		return Bodies.drain(request).then(this.sandboxes.settled(sandbox)).map(s -> sandboxReply(200, s, request));
	}

	// ---------------------------------------------------------------- snapshots and aliases

	private Mono<Reply> createSnapshot(Request request) {
		// Saving the snapshot blocks.
		return Bodies.jsonObject(request, this.maxJsonBytes).publishOn(Schedulers.boundedElastic()).map(body -> {
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
			Long ttl = positive(body, "ttl");
			Map<String, String> tags = tags(body, "tags");
			var build = this.state.builds().succeededByImage(image);
			SnapshotRecord snapshot = this.snapshots.register(UUID.randomUUID().toString(), image, architecture,
					build != null ? build.buildId() : null, build != null ? build.byteSize() : 0L, tags, ttl);
			return Reply.json(201, CurrentJson.snapshot(snapshot));
		});
	}

	private Mono<Reply> listSnapshots(Request request) {
		return Mono.fromSupplier(() -> {
			Map<String, String> tags = tagFilter(request);
			String excludeRetired = request.queryParam("exclude_retired");
			if (excludeRetired != null && !excludeRetired.equals("true") && !excludeRetired.equals("false")) {
				throw ApiException.badRequest("query parameter 'exclude_retired' must be 'true' or 'false'");
			}
			java.time.Instant now = java.time.Instant.now();
			Predicate<SnapshotRecord> active = s -> !"true".equals(excludeRetired) || s.retiredAt(now) == null;
			List<SnapshotRecord> matching = this.snapshots.list()
				.stream()
				.filter(active)
				.filter(s -> (s.tags() != null ? s.tags() : Map.<String, String>of()).entrySet()
					.containsAll(tags.entrySet()))
				.toList();
			return page(request, matching, SnapshotRecord::id, CurrentJson::snapshot);
		});
	}

	private Mono<Reply> batchSnapshots(Request request) {
		return Mono.fromSupplier(() -> {
			List<Map<String, Object>> result = new ArrayList<>();
			for (String id : batchUuids(request)) {
				try {
					result.add(CurrentJson.snapshot(this.snapshots.get(id)));
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
				: this.snapshots.get(ManagementApi.uuid(request.pathParam("snapshot"), "snapshot id"));
	}

	/** The snapshot of a route that takes only its id. */
	private SnapshotRecord snapshotById(Request request) {
		return this.snapshots.get(ManagementApi.uuid(request.pathParam("snapshot"), "snapshot id"));
	}

	private Mono<Reply> retire(Request request) {
		SnapshotRecord snapshot = snapshotById(request);
		return Bodies.drain(request)
			.then(Reply.blocking(() -> Reply.json(200, CurrentJson.snapshot(this.snapshots.retire(snapshot.id())))));
	}

	private Mono<Reply> listAliases(Request request) {
		SnapshotRecord snapshot = snapshotById(request);
		return Mono.fromSupplier(() -> Reply.json(200,
				this.snapshots.aliasesOf(snapshot.id()).stream().map(CurrentJson::alias).toList()));
	}

	private Mono<Reply> createAlias(Request request) {
		SnapshotRecord snapshot = snapshotById(request);
		return Bodies.jsonObject(request, this.maxJsonBytes).publishOn(Schedulers.boundedElastic()).map(body -> {
			String alias = Json.requiredString(body, "alias");
			if (alias.isBlank()) {
				throw ApiException.badRequest("'alias' must not be empty");
			}
			// An upsert: an alias of that name elsewhere is repointed.
			this.snapshots.alias(snapshot.id(), alias);
			return Reply.empty(204);
		});
	}

	private Mono<Reply> deleteAlias(Request request) {
		String alias = request.pathParam("alias");
		return Reply.blocking(() -> {
			this.snapshots.deleteAlias(alias);
			return Reply.empty(204);
		});
	}

	// ---------------------------------------------------------------- request parts

	/**
	 * A page of items ordered by id: those after the {@code cursor} (an id), at most {@code limit}
	 * of them, and the id of the last one as the next cursor while more follow.
	 */
	private static <T> Reply page(Request request, List<T> items, Function<T, String> id,
			Function<T, Map<String, Object>> json) {
		Long requested = request.longParam("limit");
		long limit = requested != null ? requested : 20;
		if (limit < 1 || limit > 100) {
			throw ApiException.badRequest("query parameter 'limit' must be between 1 and 100");
		}
		String cursor = request.queryParam("cursor");
		List<T> after = items.stream()
			.sorted(Comparator.comparing(id))
			.filter(item -> cursor == null || cursor.isEmpty() || id.apply(item).compareTo(cursor) > 0)
			.toList();
		List<T> page = after.subList(0, (int) Math.min(limit, after.size()));
		String next = after.size() > page.size() ? id.apply(page.get(page.size() - 1)) : null;
		return Reply.json(200, CurrentJson.page(page.stream().map(json).toList(), next));
	}

	private static List<String> batchUuids(Request request) {
		List<String> ids = ManagementApi.batchIds(request);
		if (ids.isEmpty()) {
			throw ApiException.badRequest("query parameter 'ids[]' is required");
		}
		return ids.stream().map(id -> ManagementApi.uuid(id, "id")).toList();
	}

	/** The {@code tags[key]=value} query parameters: every pair must be among an item's tags. */
	private static Map<String, String> tagFilter(Request request) {
		Map<String, String> tags = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> entry : request.query().entrySet()) {
			Matcher m = TAG_PARAM.matcher(entry.getKey());
			if (m.matches()) {
				if (entry.getValue().size() != 1) {
					throw ApiException.badRequest("query parameter '" + entry.getKey() + "' is given more than once");
				}
				tags.put(m.group(1), entry.getValue().get(0));
			}
		}
		return tags;
	}

	private static Map<String, String> tags(Map<String, Object> body, String key) {
		Map<String, String> tags = Json.stringMap(body, key);
		if (tags == null) {
			return Map.of();
		}
		for (String name : tags.keySet()) {
			if (!TAG_KEY.matcher(name).matches()) {
				throw ApiException.badRequest("tag key '" + name
						+ "' must be at most 59 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
			}
		}
		return tags;
	}

	private static TerminationSnapshot terminationSnapshot(Object value, String name) {
		if (!(value instanceof Map<?, ?> raw)) {
			throw ApiException.badRequest("'" + name + "' must be an object or null");
		}
		Map<String, Object> map = new LinkedHashMap<>();
		raw.forEach((k, v) -> map.put(String.valueOf(k), v));
		try {
			return new TerminationSnapshot(Json.stringList(map, "aliases"), positive(map, "ttl"),
					map.containsKey("tags") ? tags(map, "tags") : null);
		}
		catch (ApiException ex) {
			throw ApiException.badRequest(name + ": " + ex.getMessage());
		}
	}

	private static @Nullable Long positive(Map<String, Object> body, String key) {
		Long value = Json.integer(body, key);
		if (value != null && value < 1) {
			throw ApiException.badRequest("'" + key + "' must be at least 1");
		}
		return value;
	}

	private static double number(Map<String, Object> body, String key, double fallback) {
		Object value = body.get(key);
		if (value == null) {
			return fallback;
		}
		if (!(value instanceof Number number)) {
			throw ApiException.badRequest("'" + key + "' must be a number");
		}
		return number.doubleValue();
	}

}
