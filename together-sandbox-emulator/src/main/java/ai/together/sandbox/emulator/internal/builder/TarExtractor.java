package ai.together.sandbox.emulator.internal.builder;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a build context ({@code .tar.gz}) safely: no entry is written outside the target
 * directory, and symbolic links are accepted only when they are relative and, followed through
 * the tree, stay inside it; anything else refuses the whole archive.
 */
final class TarExtractor {

	private TarExtractor() {
	}

	/** The most links followed while resolving one path, as Linux's {@code MAXSYMLINKS}. */
	private static final int MAX_LINK_HOPS = 40;

	/**
	 * Thrown when an entry or a link would reach outside the target directory.
	 */
	static final class EscapeException extends IOException {

		private static final long serialVersionUID = 1L;

		EscapeException(String message) {
			super(message);
		}

	}

	/**
	 * Extracts the archive. Every entry is resolved against the tree extracted so far, links
	 * included, without the file system following any link: an entry or link that leads outside
	 * the target (an absolute link, {@code ..} past the root, or a chain of links that does) fails
	 * the whole extraction with an {@link EscapeException} before anything is written there.
	 * @return the number of bytes of regular files written
	 * @throws EscapeException when an entry or a link escapes the target
	 * @throws IOException when the archive is invalid or is larger than {@code maxBytes} once
	 * unpacked
	 */
	static long extract(InputStream in, Path target, long maxBytes, Consumer<String> log) throws IOException {
		Files.createDirectories(target);
		Path root = target.toRealPath();
		long total = 0;
		int count = 0;
		try (TarArchiveInputStream tar = new TarArchiveInputStream(
				new GzipCompressorInputStream(new BufferedInputStream(in)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				List<String> segments = relativeName(entry.getName());
				if (segments.isEmpty()) {
					continue;
				}
				String relative = String.join("/", segments);
				String name = segments.get(segments.size() - 1);
				List<String> parent = resolve(root, List.of(), segments.subList(0, segments.size() - 1),
						entry.getName());
				Path parentDir = at(root, parent);
				if (entry.isDirectory()) {
					List<String> dir = resolve(root, List.of(), segments, entry.getName());
					Files.createDirectories(at(root, dir));
					continue;
				}
				Files.createDirectories(parentDir);
				Path dest = parentDir.resolve(name);
				if (entry.isSymbolicLink()) {
					String link = entry.getLinkName();
					if (link.isEmpty() || link.startsWith("/") || Path.of(link).isAbsolute()) {
						throw new EscapeException("link " + relative + " -> " + link + " is absolute");
					}
					resolve(root, parent, List.of(link.split("/")), relative + " -> " + link);
					if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
						throw new IOException("link " + relative + " would replace a directory");
					}
					Files.deleteIfExists(dest);
					Files.createSymbolicLink(dest, Path.of(link));
				}
				else if (entry.isFile()) {
					if (Files.isSymbolicLink(dest)) {
						Files.delete(dest);
					}
					try (OutputStream out = Files.newOutputStream(dest, LinkOption.NOFOLLOW_LINKS,
							StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
							StandardOpenOption.WRITE)) {
						byte[] buffer = new byte[65536];
						int n;
						while ((n = tar.read(buffer)) > 0) {
							total += n;
							if (total > maxBytes) {
								throw new IOException("the unpacked context exceeds " + maxBytes + " bytes");
							}
							out.write(buffer, 0, n);
						}
					}
					if ((entry.getMode() & 0100) != 0) {
						dest.toFile().setExecutable(true, false);
					}
					count++;
				}
				else {
					log.accept("Skipped " + relative + ": unsupported entry type");
				}
			}
		}
		checkLinks(root);
		log.accept("Unpacked " + count + " files (" + total + " bytes)");
		return total;
	}

	/**
	 * Checks every link of the finished tree again: a link that was inside when written can lead
	 * out once a later entry turned one of the components of its target into a link.
	 */
	private static void checkLinks(Path root) throws IOException {
		List<Path> links;
		try (Stream<Path> tree = Files.walk(root)) {
			links = tree.filter(Files::isSymbolicLink).toList();
		}
		for (Path link : links) {
			List<String> parent = new ArrayList<>();
			root.relativize(link.getParent()).forEach(segment -> {
				if (!segment.toString().isEmpty()) {
					parent.add(segment.toString());
				}
			});
			String target = Files.readSymbolicLink(link).toString();
			String name = root.relativize(link) + " -> " + target;
			if (target.startsWith("/")) {
				throw new EscapeException("link " + name + " is absolute");
			}
			resolve(root, parent, List.of(target.split("/")), name);
		}
	}

	/**
	 * Resolves {@code path} relative to the directory {@code base} (segments below the root, free
	 * of links) the way the operating system would, following the links of the tree one by one,
	 * without ever leaving the root.
	 * @return the resolved path as segments below the root, free of links
	 * @throws EscapeException when the path or a link on it leads outside the root
	 */
	private static List<String> resolve(Path root, List<String> base, List<String> path, String what)
			throws IOException {
		List<String> current = new ArrayList<>(base);
		Deque<String> pending = new ArrayDeque<>(path);
		int hops = 0;
		while (!pending.isEmpty()) {
			String segment = pending.removeFirst();
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				if (current.isEmpty()) {
					throw new EscapeException(what + " leads outside the context");
				}
				current.remove(current.size() - 1);
				continue;
			}
			Path candidate = at(root, current).resolve(segment);
			if (Files.isSymbolicLink(candidate)) {
				if (++hops > MAX_LINK_HOPS) {
					throw new IOException(what + ": too many levels of links");
				}
				String link = Files.readSymbolicLink(candidate).toString();
				if (link.startsWith("/")) {
					throw new EscapeException(what + " goes through the absolute link " + segment + " -> " + link);
				}
				List<String> linkSegments = List.of(link.split("/"));
				for (int i = linkSegments.size() - 1; i >= 0; i--) {
					pending.addFirst(linkSegments.get(i));
				}
			}
			else {
				current.add(segment);
			}
		}
		return current;
	}

	private static Path at(Path root, List<String> segments) {
		Path path = root;
		for (String segment : segments) {
			path = path.resolve(segment);
		}
		return path;
	}

	private static List<String> relativeName(String name) throws EscapeException {
		if (name.startsWith("/")) {
			throw new EscapeException("archive entry has an absolute path: " + name);
		}
		List<String> segments = new ArrayList<>();
		for (String segment : name.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				throw new EscapeException("archive entry escapes the context: " + name);
			}
			segments.add(segment);
		}
		return segments;
	}

}
