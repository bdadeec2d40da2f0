package ai.together.sandbox.emulator.internal.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copying and deleting whole file trees of the host without following symbolic links.
 */
public final class FileTrees {

	private FileTrees() {
	}

	/**
	 * Deletes a file or a directory tree; links are removed, never followed. Nothing happens when
	 * the path does not exist.
	 * @param path the file or directory
	 * @throws IOException when something cannot be deleted
	 */
	public static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		// walkFileTree does not follow links, so a link to elsewhere is removed, not its target.
		Files.walkFileTree(path, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
				if (exc != null) {
					throw exc;
				}
				Files.delete(dir);
				return FileVisitResult.CONTINUE;
			}
		});
	}

	/**
	 * Copies a file or a directory tree; links are copied as links, never followed.
	 * @param source the file or directory
	 * @param target where its copy goes, replacing what is there
	 * @throws IOException when something cannot be copied
	 */
	public static void copyTree(Path source, Path target) throws IOException {
		if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
			if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
				deleteRecursively(target);
			}
			Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
			return;
		}
		Files.walkFileTree(source, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				Path dest = target.resolve(source.relativize(dir).toString());
				if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
					Files.delete(dest);
				}
				Files.createDirectories(dest);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Path dest = target.resolve(source.relativize(file).toString());
				Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
				return FileVisitResult.CONTINUE;
			}
		});
	}

}
