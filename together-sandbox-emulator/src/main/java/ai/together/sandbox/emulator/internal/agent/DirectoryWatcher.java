package ai.together.sandbox.emulator.internal.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * File events of a directory (optionally its whole tree) as WatcherEvent maps: first
 * {@code connected}, then {@code ADD}, {@code REMOVE} and {@code CHANGE} with VM paths.
 */
final class DirectoryWatcher {

	private static final Log logger = LogFactory.getLog(DirectoryWatcher.class);

	private final SandboxFiles files;

	private final Path directory;

	private final boolean recursive;

	private final List<PathMatcher> ignore;

	private DirectoryWatcher(SandboxFiles files, Path directory, boolean recursive, List<String> ignorePatterns) {
		this.files = files;
		this.directory = directory;
		this.recursive = recursive;
		this.ignore = ignorePatterns.stream()
			.filter(p -> !p.isBlank())
			.map(DirectoryWatcher::glob)
			.toList();
	}

	private static PathMatcher glob(String pattern) {
		try {
			return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
		}
		catch (IllegalArgumentException ex) {
			// PatternSyntaxException included: '[' or '{a' without their closing bracket.
			throw ApiException.badRequest("invalid ignore pattern: " + pattern);
		}
	}

	static Flux<Map<String, Object>> watch(SandboxFiles files, String vmPath, boolean recursive,
			List<String> ignorePatterns) {
		Path directory = files.resolve(vmPath, true);
		if (!Files.isDirectory(directory)) {
			throw ApiException.badRequest("not a directory: " + vmPath);
		}
		DirectoryWatcher watcher = new DirectoryWatcher(files, directory, recursive, ignorePatterns);
		return Flux.create(watcher::run, FluxSink.OverflowStrategy.BUFFER);
	}

	static Map<String, Object> event(String type, List<String> paths) {
		return Map.of("paths", paths, "type", type, "timestamp", Instant.now().toString());
	}

	private void run(FluxSink<Map<String, Object>> sink) {
		WatchService service;
		try {
			service = FileSystems.getDefault().newWatchService();
		}
		catch (IOException ex) {
			sink.next(event("error", List.of(this.files.toVm(this.directory))));
			sink.complete();
			return;
		}
		Map<WatchKey, Path> keys = new ConcurrentHashMap<>();
		register(service, keys, this.directory);
		sink.next(event("connected", List.of(this.files.toVm(this.directory))));
		Thread thread = new Thread(() -> loop(service, keys, sink), "sandbox-watcher");
		thread.setDaemon(true);
		sink.onDispose(() -> {
			try {
				service.close();
			}
			catch (IOException ex) {
				logger.debug("Closing a watch service failed: " + ex.getMessage());
			}
		});
		thread.start();
	}

	private void register(WatchService service, Map<WatchKey, Path> keys, Path start) {
		try (Stream<Path> tree = this.recursive ? Files.walk(start) : Stream.of(start)) {
			tree.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
				.filter(p -> p.equals(this.directory) || !ignored(p))
				.forEach(dir -> {
					try {
						keys.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
								StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY), dir);
					}
					catch (IOException | ClosedWatchServiceException ex) {
						logger.debug("Cannot watch " + dir + ": " + ex.getMessage());
					}
				});
		}
		catch (IOException | java.io.UncheckedIOException ex) {
			logger.debug("Cannot walk " + start + ": " + ex.getMessage());
		}
	}

	private boolean ignored(Path path) {
		if (this.ignore.isEmpty()) {
			return false;
		}
		Path relative = this.directory.relativize(path);
		for (PathMatcher matcher : this.ignore) {
			if (matcher.matches(relative)) {
				return true;
			}
			for (Path segment : relative) {
				if (matcher.matches(segment)) {
					return true;
				}
			}
		}
		return false;
	}

	private void loop(WatchService service, Map<WatchKey, Path> keys, FluxSink<Map<String, Object>> sink) {
		try {
			while (!sink.isCancelled()) {
				WatchKey key = service.poll(200, TimeUnit.MILLISECONDS);
				if (key == null) {
					continue;
				}
				Path dir = keys.get(key);
				for (WatchEvent<?> event : key.pollEvents()) {
					if (dir == null || event.kind() == StandardWatchEventKinds.OVERFLOW) {
						continue;
					}
					Path child = dir.resolve((Path) event.context());
					if (ignored(child)) {
						continue;
					}
					String type;
					if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
						type = "ADD";
						if (this.recursive && Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
							register(service, keys, child);
						}
					}
					else if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
						type = "REMOVE";
					}
					else {
						type = "CHANGE";
					}
					sink.next(event(type, List.of(this.files.toVm(child))));
				}
				if (!key.reset()) {
					keys.remove(key);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ClosedWatchServiceException ex) {
			// The subscriber went away.
		}
		sink.complete();
	}

}
