package ai.together.sandbox.emulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Everything the emulator knows: sandboxes, snapshots, aliases and builds. It persists its
 * metadata as one JSON file in the data directory after every change, so that a data directory
 * survives a restart.
 */
final class EmulatorState implements AutoCloseable {

	static final String PROJECT_ID = "local-emulator";

	private static final Log logger = LogFactory.getLog(EmulatorState.class);

	private final Path dataDirectory;

	private final Duration transitionDelay;

	private final Duration waitCap;

	private final Map<String, SandboxInstance> sandboxes = new ConcurrentHashMap<>();

	/** Snapshots by id, each a Snapshot model plus the internal keys {@code image} etc. */
	private final Map<String, Map<String, Object>> snapshots = new ConcurrentHashMap<>();

	/** Aliases by alias string, each a SnapshotAlias model. */
	private final Map<String, Map<String, Object>> aliases = new ConcurrentHashMap<>();

	private final Map<String, Build> builds = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final Object saveLock = new Object();

	EmulatorState(Path dataDirectory, Duration transitionDelay, Duration waitCap) {
		this.dataDirectory = dataDirectory;
		this.transitionDelay = transitionDelay;
		this.waitCap = waitCap;
		this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, "sandbox-emulator-lifecycle");
			thread.setDaemon(true);
			return thread;
		});
		load();
	}

	Path dataDirectory() {
		return this.dataDirectory;
	}

	// ---------------------------------------------------------------- sandboxes

	SandboxInstance sandbox(String id) {
		SandboxInstance sandbox = this.sandboxes.get(id);
		if (sandbox == null) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		return sandbox;
	}

	@Nullable SandboxInstance findSandbox(String id) {
		return this.sandboxes.get(id);
	}

	List<SandboxInstance> sandboxes() {
		List<SandboxInstance> list = new ArrayList<>(this.sandboxes.values());
		list.sort((a, b) -> a.createdAt.compareTo(b.createdAt));
		return list;
	}

	SandboxInstance createSandbox(String id, long millicpu, long memoryBytes, long diskBytes, boolean ephemeral,
			Map<String, Object> snapshot) {
		Path directory = this.dataDirectory.resolve("sandboxes").resolve(id);
		SandboxInstance sandbox = new SandboxInstance(id, directory, Instant.now(), millicpu, memoryBytes, diskBytes,
				ephemeral, (String) snapshot.get("id"), UUID.randomUUID().toString());
		if (this.sandboxes.putIfAbsent(id, sandbox) != null) {
			throw ApiException.badRequest("a sandbox with id " + id + " already exists");
		}
		try {
			Files.createDirectories(sandbox.files.root());
			Build build = buildOf(snapshot);
			if (build != null && Files.isDirectory(build.context())) {
				SandboxFiles.copyTree(build.context(), sandbox.files.root());
			}
		}
		catch (IOException ex) {
			this.sandboxes.remove(id);
			throw new ApiException(500, "cannot create the sandbox directory: " + ex.getMessage());
		}
		save();
		return sandbox;
	}

	/** Waits (without blocking a thread) until the sandbox is in a stable status, at most the wait cap. */
	Mono<SandboxInstance> settled(SandboxInstance sandbox) {
		CompletableFuture<Void> settled;
		synchronized (sandbox) {
			settled = sandbox.settled;
		}
		return Mono.fromFuture(settled, true)
			.timeout(this.waitCap)
			.onErrorResume(ex -> Mono.empty())
			.thenReturn(sandbox);
	}

	void start(SandboxInstance sandbox) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		synchronized (sandbox) {
			if (!"created".equals(sandbox.status) && !"stopped".equals(sandbox.status)) {
				return;
			}
			Instant now = Instant.now();
			sandbox.status = "starting";
			sandbox.startType = "hibernated".equals(sandbox.stopReason) ? "resume" : "cold_start";
			sandbox.startRequestedAt = now;
			sandbox.updatedAt = now;
			sandbox.requestedStopType = null;
			sandbox.stopReason = null;
			sandbox.stopRequestedAt = null;
			sandbox.stoppedAt = null;
			sandbox.agentToken = Ids.secret();
			sandbox.settled = settled;
		}
		this.scheduler.schedule(() -> {
			synchronized (sandbox) {
				if ("starting".equals(sandbox.status)) {
					Instant now = Instant.now();
					sandbox.status = "running";
					sandbox.startedAt = now;
					sandbox.updatedAt = now;
				}
			}
			settled.complete(null);
			save();
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
		save();
	}

	void stop(SandboxInstance sandbox, String stopType) {
		CompletableFuture<Void> settled = new CompletableFuture<>();
		synchronized (sandbox) {
			if (!"running".equals(sandbox.status)) {
				return;
			}
			Instant now = Instant.now();
			sandbox.status = "stopping";
			sandbox.stopRequestedAt = now;
			sandbox.updatedAt = now;
			sandbox.requestedStopType = stopType;
			sandbox.settled = settled;
		}
		this.scheduler.schedule(() -> {
			try {
				sandbox.killExecs();
			}
			finally {
				synchronized (sandbox) {
					if ("stopping".equals(sandbox.status)) {
						Instant now = Instant.now();
						sandbox.status = "stopped";
						sandbox.stoppedAt = now;
						sandbox.updatedAt = now;
						sandbox.stopReason = "hibernate".equals(stopType) ? "hibernated" : "shutdown";
					}
				}
				settled.complete(null);
				save();
			}
		}, this.transitionDelay.toNanos(), TimeUnit.NANOSECONDS);
		save();
	}

	void delete(SandboxInstance sandbox) {
		if (this.sandboxes.remove(sandbox.id, sandbox)) {
			sandbox.killExecs();
			synchronized (sandbox) {
				sandbox.status = "stopped";
				sandbox.settled.complete(null);
			}
			try {
				SandboxFiles.deleteRecursively(sandbox.directory);
			}
			catch (IOException ex) {
				logger.warn("Could not delete the directory of sandbox " + sandbox.id + ": " + ex.getMessage());
			}
			save();
		}
	}

	// ---------------------------------------------------------------- snapshots

	Map<String, Object> createSnapshot(String image, String architecture) {
		Instant now = Instant.now();
		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("id", UUID.randomUUID().toString());
		snapshot.put("project_id", PROJECT_ID);
		Build build = buildByImage(image);
		snapshot.put("byte_size", build != null ? build.byteSize() : 0L);
		snapshot.put("protected", false);
		snapshot.put("optimized", false);
		snapshot.put("includes_memory_snapshot", false);
		snapshot.put("created_at", now.toString());
		snapshot.put("optimized_at", null);
		snapshot.put("updated_at", now.toString());
		snapshot.put("image", image);
		snapshot.put("architecture", architecture);
		snapshot.put("build_id", build != null ? build.id() : null);
		this.snapshots.put((String) snapshot.get("id"), snapshot);
		save();
		return snapshot;
	}

	Map<String, Object> snapshot(String id) {
		Map<String, Object> snapshot = this.snapshots.get(id.toLowerCase());
		if (snapshot == null) {
			throw ApiException.notFound("snapshot " + id + " not found");
		}
		return snapshot;
	}

	Map<String, Object> snapshotByAlias(String alias) {
		return snapshot((String) alias(alias).get("snapshot_id"));
	}

	List<Map<String, Object>> snapshots() {
		List<Map<String, Object>> list = new ArrayList<>(this.snapshots.values());
		list.sort((a, b) -> ((String) a.get("created_at")).compareTo((String) b.get("created_at")));
		return list;
	}

	void deleteSnapshot(String id) {
		Map<String, Object> snapshot = snapshot(id);
		this.snapshots.remove((String) snapshot.get("id"));
		this.aliases.values().removeIf(a -> a.get("snapshot_id").equals(snapshot.get("id")));
		save();
	}

	static Map<String, Object> snapshotJson(Map<String, Object> snapshot) {
		Map<String, Object> json = new LinkedHashMap<>(snapshot);
		json.remove("image");
		json.remove("architecture");
		json.remove("build_id");
		return json;
	}

	void alias(String snapshotId, String alias) {
		Map<String, Object> snapshot = snapshot(snapshotId);
		Instant now = Instant.now();
		this.aliases.compute(alias, (key, existing) -> {
			Map<String, Object> record = new LinkedHashMap<>();
			record.put("id", existing != null ? existing.get("id") : UUID.randomUUID().toString());
			record.put("snapshot_id", snapshot.get("id"));
			record.put("alias", alias);
			record.put("created_at", existing != null ? existing.get("created_at") : now.toString());
			record.put("updated_at", now.toString());
			return record;
		});
		save();
	}

	Map<String, Object> alias(String alias) {
		Map<String, Object> record = this.aliases.get(alias);
		if (record == null) {
			throw ApiException.notFound("snapshot alias " + alias + " not found");
		}
		return record;
	}

	Map<String, Object> aliasById(String id) {
		return this.aliases.values()
			.stream()
			.filter(a -> a.get("id").equals(id.toLowerCase()))
			.findFirst()
			.orElseThrow(() -> ApiException.notFound("snapshot alias " + id + " not found"));
	}

	void deleteAlias(Map<String, Object> alias) {
		this.aliases.remove((String) alias.get("alias"));
		save();
	}

	// ---------------------------------------------------------------- builds

	/** A context build of the image-builder protocol. */
	record Build(String id, String imageName, String imageRef, String dockerfile, @Nullable String error,
			List<String> logs, Path context, long byteSize, String createdAt) {

		Map<String, Object> toJson() {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("build_id", this.id);
			json.put("status", this.error == null ? "succeeded" : "failed");
			json.put("image_name", this.imageName);
			json.put("image_ref", this.imageRef);
			json.put("dockerfile", this.dockerfile);
			json.put("error", this.error);
			json.put("created_at", this.createdAt);
			return json;
		}

	}

	Path buildDirectory(String buildId) {
		return this.dataDirectory.resolve("builds").resolve(buildId);
	}

	void addBuild(Build build) {
		this.builds.put(build.id(), build);
		save();
	}

	Build build(String id) {
		Build build = this.builds.get(id);
		if (build == null) {
			throw ApiException.notFound("build " + id + " not found");
		}
		return build;
	}

	void deleteBuild(String id) {
		Build build = build(id);
		boolean used = this.snapshots.values().stream().anyMatch(s -> id.equals(s.get("build_id")));
		this.builds.remove(id);
		if (!used) {
			try {
				SandboxFiles.deleteRecursively(buildDirectory(build.id()));
			}
			catch (IOException ex) {
				logger.debug("Could not delete the directory of build " + id + ": " + ex.getMessage());
			}
		}
		save();
	}

	private @Nullable Build buildByImage(String image) {
		return this.builds.values()
			.stream()
			.filter(b -> b.error() == null && b.imageRef().equals(image))
			.findFirst()
			.orElse(null);
	}

	private @Nullable Build buildOf(Map<String, Object> snapshot) {
		Object buildId = snapshot.get("build_id");
		if (buildId != null) {
			Build build = this.builds.get((String) buildId);
			if (build != null) {
				return build;
			}
			// The build record was deleted but its files were kept for this snapshot.
			Path context = buildDirectory((String) buildId).resolve("context");
			return new Build((String) buildId, "", "", "", null, List.of(), context, 0, "");
		}
		return null;
	}

	// ---------------------------------------------------------------- persistence

	private Path stateFile() {
		return this.dataDirectory.resolve("state.json");
	}

	void save() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("version", 1);
		state.put("sandboxes", sandboxes().stream().map(SandboxInstance::toState).toList());
		state.put("snapshots", snapshots());
		state.put("aliases", new ArrayList<>(this.aliases.values()));
		List<Map<String, Object>> buildStates = new ArrayList<>();
		for (Build build : this.builds.values()) {
			Map<String, Object> json = build.toJson();
			json.put("logs", build.logs());
			json.put("byte_size", build.byteSize());
			buildStates.add(json);
		}
		state.put("builds", buildStates);
		synchronized (this.saveLock) {
			try {
				Path tmp = this.dataDirectory.resolve("state.json.tmp");
				Files.write(tmp, Json.write(state));
				Files.move(tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException ex) {
				logger.warn("Could not save the emulator state to " + stateFile() + ": " + ex.getMessage());
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void load() {
		Path file = stateFile();
		if (!Files.isRegularFile(file)) {
			return;
		}
		Map<String, Object> state;
		try {
			state = Json.MAPPER.readValue(Files.readAllBytes(file), Map.class);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring unreadable emulator state " + file + ": " + ex.getMessage());
			return;
		}
		for (Map<String, Object> s : (List<Map<String, Object>>) state.getOrDefault("sandboxes", List.of())) {
			String id = (String) s.get("id");
			Path directory = this.dataDirectory.resolve("sandboxes").resolve(id);
			try {
				SandboxInstance sandbox = SandboxInstance.fromState(s, directory);
				Files.createDirectories(sandbox.files.root());
				this.sandboxes.put(id, sandbox);
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Ignoring sandbox " + id + " of the saved state: " + ex.getMessage());
			}
		}
		for (Map<String, Object> s : (List<Map<String, Object>>) state.getOrDefault("snapshots", List.of())) {
			this.snapshots.put((String) s.get("id"), new LinkedHashMap<>(s));
		}
		for (Map<String, Object> a : (List<Map<String, Object>>) state.getOrDefault("aliases", List.of())) {
			this.aliases.put((String) a.get("alias"), new LinkedHashMap<>(a));
		}
		for (Map<String, Object> b : (List<Map<String, Object>>) state.getOrDefault("builds", List.of())) {
			String id = (String) b.get("build_id");
			this.builds.put(id,
					new Build(id, (String) b.get("image_name"), (String) b.get("image_ref"),
							(String) b.get("dockerfile"), (String) b.get("error"),
							(List<String>) b.getOrDefault("logs", List.of()), buildDirectory(id).resolve("context"),
							((Number) b.getOrDefault("byte_size", 0)).longValue(), (String) b.get("created_at")));
		}
		// Running sandboxes came back stopped: record that.
		save();
	}

	@Override
	public void close() {
		for (SandboxInstance sandbox : this.sandboxes.values()) {
			sandbox.killExecs();
		}
		this.scheduler.shutdownNow();
		save();
	}

}
