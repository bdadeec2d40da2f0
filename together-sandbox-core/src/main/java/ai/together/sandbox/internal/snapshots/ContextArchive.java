package ai.together.sandbox.internal.snapshots;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a build context as a gzip-compressed tar file, as the remote image builder expects it
 * (PROTOCOL.md §5.3 "Context archive"): the context is walked in sorted order (path components
 * compared one by one), regular files and symbolic links are included (links stored as links,
 * never followed), directories get no entries of their own, entry names are
 * {@code ./<relative path>}, and files matched by the context's {@code .dockerignore} are left
 * out. The archive is streamed to a file, so a large context never sits in memory.
 */
public final class ContextArchive {

	private static final Comparator<Path> BY_NAME = Comparator.comparing((Path path) -> path.getFileName().toString());

	private ContextArchive() {
	}

	/**
	 * Writes the archive of a context directory.
	 * @param contextDir the context directory (a real path)
	 * @param target the file to write (created or replaced)
	 * @return the entry names written, in order
	 * @throws IOException when the context cannot be read or the file cannot be written
	 */
	public static List<String> write(Path contextDir, Path target) throws IOException {
		DockerIgnore ignore = DockerIgnore.load(contextDir);
		List<String> names = new ArrayList<>();
		try (OutputStream file = Files.newOutputStream(target);
				OutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(file, 64 * 1024), 64 * 1024);
				TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			tar.setAddPaxHeadersForNonAsciiNames(true);
			addDirectory(tar, contextDir, "", ignore, names);
			tar.finish();
		}
		return names;
	}

	private static void addDirectory(TarArchiveOutputStream tar, Path directory, String prefix, DockerIgnore ignore,
			List<String> names) throws IOException {
		List<Path> children = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
			stream.forEach(children::add);
		}
		children.sort(BY_NAME);
		for (Path child : children) {
			String relative = prefix + child.getFileName().toString();
			if (Files.isSymbolicLink(child)) {
				if (!ignore.isExcluded(relative)) {
					TarArchiveEntry entry = new TarArchiveEntry("./" + relative, TarConstants.LF_SYMLINK);
					entry.setLinkName(Files.readSymbolicLink(child).toString());
					entry.setModTime(Files.getLastModifiedTime(child, LinkOption.NOFOLLOW_LINKS));
					tar.putArchiveEntry(entry);
					tar.closeArchiveEntry();
					names.add(entry.getName());
				}
			}
			else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
				// Directories are always walked: a negated pattern may include a file below an
				// excluded directory again.
				addDirectory(tar, child, relative + "/", ignore, names);
			}
			else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS) && !ignore.isExcluded(relative)) {
				TarArchiveEntry entry = new TarArchiveEntry(child, "./" + relative, LinkOption.NOFOLLOW_LINKS);
				tar.putArchiveEntry(entry);
				try (InputStream in = Files.newInputStream(child)) {
					in.transferTo(tar);
				}
				tar.closeArchiveEntry();
				names.add(entry.getName());
			}
		}
	}

}
