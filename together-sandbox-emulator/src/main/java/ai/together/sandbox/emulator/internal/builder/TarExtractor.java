package ai.together.sandbox.emulator.internal.builder;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a build context ({@code .tar.gz}) safely: no entry is written outside the target
 * directory, and symbolic links are kept only when they are relative and point inside it.
 */
final class TarExtractor {

	private TarExtractor() {
	}

	/**
	 * Extracts the archive.
	 * @return the number of bytes of regular files written
	 * @throws IOException when the archive is invalid, escapes the target, or is larger than
	 * {@code maxBytes} once unpacked
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
				String relative = relativeName(entry.getName());
				if (relative.isEmpty()) {
					continue;
				}
				Path dest = root.resolve(relative).normalize();
				if (!dest.startsWith(root) || dest.equals(root)) {
					throw new IOException("archive entry escapes the context: " + entry.getName());
				}
				Files.createDirectories(dest.getParent());
				if (!dest.getParent().toRealPath().startsWith(root)) {
					throw new IOException("archive entry escapes the context through a link: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(dest);
				}
				else if (entry.isSymbolicLink()) {
					String link = entry.getLinkName();
					Path resolved = dest.getParent().resolve(link).normalize();
					if (link.startsWith("/") || !resolved.startsWith(root)) {
						log.accept("Skipped link " + relative + " -> " + link + ": it points outside the context");
						continue;
					}
					Files.deleteIfExists(dest);
					Files.createSymbolicLink(dest, Path.of(link));
				}
				else if (entry.isFile()) {
					if (Files.isSymbolicLink(dest)) {
						Files.delete(dest);
					}
					try (OutputStream out = Files.newOutputStream(dest)) {
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
		log.accept("Unpacked " + count + " files (" + total + " bytes)");
		return total;
	}

	private static String relativeName(String name) {
		if (name.startsWith("/")) {
			throw new IllegalArgumentException("archive entry has an absolute path: " + name);
		}
		StringBuilder sb = new StringBuilder();
		for (String segment : name.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				throw new IllegalArgumentException("archive entry escapes the context: " + name);
			}
			if (sb.length() > 0) {
				sb.append('/');
			}
			sb.append(segment);
		}
		return sb.toString();
	}

}
