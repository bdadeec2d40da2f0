package ai.together.sandbox.emulator.internal.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.together.sandbox.emulator.internal.http.ApiException;

/**
 * Maps the absolute VM paths of the agent API onto a sandbox's directory and performs file
 * operations there. Every operation refuses paths that would leave the directory: {@code ..}
 * segments, and symbolic links whose target lies outside it.
 */
public final class SandboxFiles {

	private final Path root;

	public SandboxFiles(Path root) {
		this.root = root;
	}

	public Path root() {
		return this.root;
	}

	/**
	 * Normalises a VM path: relative paths are relative to the workspace root {@code /}; empty and
	 * {@code .} segments are dropped; {@code ..} is refused rather than resolved, so that a request
	 * can never name anything above the root.
	 */
	public static String normalize(String vmPath) {
		if (vmPath.indexOf('\0') >= 0) {
			throw ApiException.badRequest("path must not contain NUL characters");
		}
		StringBuilder sb = new StringBuilder();
		for (String segment : vmPath.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				throw ApiException.badRequest("path must not contain '..': " + vmPath);
			}
			sb.append('/').append(segment);
		}
		return sb.length() == 0 ? "/" : sb.toString();
	}

	/**
	 * Resolves a VM path to a host path inside the root.
	 * @param followFinal whether the operation follows a symbolic link in the last segment (reads
	 * and writes do; delete and rename act on the link itself)
	 */
	public Path resolve(String vmPath, boolean followFinal) {
		String normalized = normalize(vmPath);
		Path path = normalized.equals("/") ? this.root : this.root.resolve(normalized.substring(1));
		Path rootReal = realRoot();
		// The parent chain may contain symbolic links: its real location must stay inside.
		Path existing = path.getParent() == null || path.equals(this.root) ? this.root : path.getParent();
		while (!Files.exists(existing) && existing.startsWith(this.root) && !existing.equals(this.root)) {
			existing = existing.getParent();
		}
		checkInside(existing, rootReal, vmPath);
		if (followFinal && Files.isSymbolicLink(path)) {
			if (!Files.exists(path)) {
				throw ApiException.badRequest("path is a dangling symbolic link: " + vmPath);
			}
			checkInside(path, rootReal, vmPath);
		}
		return path;
	}

	private Path realRoot() {
		try {
			return this.root.toRealPath();
		}
		catch (IOException ex) {
			throw new ApiException(500, "sandbox directory is missing");
		}
	}

	private static void checkInside(Path path, Path rootReal, String vmPath) {
		Path real;
		try {
			real = path.toRealPath();
		}
		catch (IOException ex) {
			throw ApiException.badRequest("cannot resolve path: " + vmPath);
		}
		if (!real.startsWith(rootReal)) {
			throw new ApiException(403, "path resolves outside the sandbox: " + vmPath);
		}
	}

	public String toVm(Path hostPath) {
		Path relative = this.root.relativize(hostPath);
		String rel = relative.toString().replace('\\', '/');
		return rel.isEmpty() ? "/" : "/" + rel;
	}

	/**
	 * Opens a regular file to be read: blocking work.
	 * @param vmPath the VM path
	 * @param maxBytes the largest file that is read
	 * @return the content, to stream
	 * @throws ApiException 400 if the path is not a regular file, 413 if the file is too large
	 */
	public FileContent openRead(String vmPath, long maxBytes) {
		Path path = resolve(vmPath, true);
		// The type of what the path names, links followed (resolve kept them inside): only a
		// regular file is opened, never a named pipe or a device, whose opening or reading blocks.
		Path real = io(vmPath, path::toRealPath);
		BasicFileAttributes attrs = io(vmPath,
				() -> Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
		if (attrs.isDirectory()) {
			throw ApiException.badRequest("path is a directory: " + vmPath);
		}
		if (!attrs.isRegularFile()) {
			throw ApiException.badRequest("not a regular file: " + vmPath);
		}
		return FileContent.open(normalize(vmPath), real, maxBytes);
	}

	/**
	 * Prepares the target of an upload: validates it, creates missing parent directories and
	 * returns the host path to write (the real file when the path is a link that stays inside).
	 */
	public Path prepareWrite(String vmPath) {
		if (normalize(vmPath).equals("/")) {
			throw ApiException.badRequest("cannot write to the root directory");
		}
		Path path = resolve(vmPath, true);
		if (Files.isDirectory(path)) {
			throw ApiException.badRequest("path is a directory: " + vmPath);
		}
		io(vmPath, () -> Files.createDirectories(path.getParent()));
		// Creating the parents may have walked through links: check again now that they exist.
		resolve(vmPath, true);
		if (Files.isSymbolicLink(path)) {
			return io(vmPath, path::toRealPath);
		}
		return path;
	}

	public Map<String, Object> delete(String vmPath, boolean directoryExpected) {
		String normalized = normalize(vmPath);
		if (normalized.equals("/")) {
			throw ApiException.badRequest("cannot delete the root directory");
		}
		Path path = resolve(vmPath, false);
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			throw ApiException.notFound("no such file or directory: " + vmPath);
		}
		boolean isDirectory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
		if (directoryExpected && !isDirectory) {
			throw ApiException.badRequest("not a directory: " + vmPath);
		}
		io(vmPath, () -> {
			FileTrees.deleteRecursively(path);
			return null;
		});
		return Map.of("message", (isDirectory ? "Directory" : "File") + " deleted successfully", "path", normalized);
	}

	public Map<String, Object> moveOrCopy(String fromVm, String action, String toVm) {
		String from = normalize(fromVm);
		String to = normalize(toVm);
		if (from.equals("/") || to.equals("/")) {
			throw ApiException.badRequest("cannot move or copy the root directory");
		}
		boolean copy;
		if ("move".equals(action)) {
			copy = false;
		}
		else if ("copy".equals(action)) {
			copy = true;
		}
		else {
			throw ApiException.badRequest("'action' must be 'move' or 'copy'");
		}
		Path source = resolve(fromVm, copy);
		Path target = resolve(toVm, false);
		if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
			throw ApiException.notFound("no such file or directory: " + fromVm);
		}
		if (target.startsWith(source) && Files.isDirectory(source)) {
			throw ApiException.badRequest("cannot " + action + " a directory into itself");
		}
		io(fromVm, () -> {
			Files.createDirectories(target.getParent());
			resolve(toVm, false);
			if (copy) {
				FileTrees.copyTree(source, target);
			}
			else {
				Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
			}
			return null;
		});
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("message", copy ? "File copied successfully" : "File moved successfully");
		result.put("from", from);
		result.put("to", to);
		return result;
	}

	public Map<String, Object> stat(String vmPath) {
		Path path = resolve(vmPath, true);
		if (!Files.exists(path)) {
			throw ApiException.notFound("no such file or directory: " + vmPath);
		}
		return io(vmPath, () -> fileInfo(path));
	}

	private Map<String, Object> fileInfo(Path path) throws IOException {
		BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
		Map<String, Object> info = new LinkedHashMap<>();
		String vm = toVm(path);
		info.put("name", vm.equals("/") ? "/" : path.getFileName().toString());
		info.put("path", vm);
		info.put("isDir", attrs.isDirectory());
		info.put("size", attrs.size());
		info.put("modTime", attrs.lastModifiedTime().toInstant().toString());
		return info;
	}

	public Map<String, Object> createDirectory(String vmPath) {
		Path path = resolve(vmPath, true);
		if (Files.exists(path) && !Files.isDirectory(path)) {
			throw ApiException.badRequest("a file exists at " + vmPath);
		}
		io(vmPath, () -> Files.createDirectories(path));
		resolve(vmPath, true);
		return Map.of("message", "Directory created successfully", "path", normalize(vmPath));
	}

	public Map<String, Object> list(String vmPath) {
		Path path = resolve(vmPath, true);
		if (!Files.exists(path)) {
			throw ApiException.notFound("no such directory: " + vmPath);
		}
		if (!Files.isDirectory(path)) {
			throw ApiException.badRequest("not a directory: " + vmPath);
		}
		List<Map<String, Object>> files = new ArrayList<>();
		io(vmPath, () -> {
			try (Stream<Path> children = Files.list(path)) {
				for (Path child : children.sorted().toList()) {
					try {
						files.add(fileInfo(child));
					}
					catch (IOException ex) {
						// A dangling link (or a file deleted meanwhile) cannot be described: skip it.
						continue;
					}
				}
			}
			return null;
		});
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("path", normalize(vmPath));
		result.put("files", files);
		return result;
	}

	public interface IoAction<T> {

		T run() throws IOException;

	}

	/**
	 * Runs a file operation and turns its I/O failures into API errors.
	 */
	public static <T> T io(String vmPath, IoAction<T> action) {
		try {
			return action.run();
		}
		catch (NoSuchFileException ex) {
			throw ApiException.notFound("no such file or directory: " + vmPath);
		}
		catch (FileAlreadyExistsException ex) {
			throw ApiException.badRequest("file already exists: " + vmPath);
		}
		catch (DirectoryNotEmptyException ex) {
			throw ApiException.badRequest("directory not empty: " + vmPath);
		}
		catch (NotDirectoryException ex) {
			throw ApiException.badRequest("not a directory: " + vmPath);
		}
		catch (AccessDeniedException ex) {
			throw new ApiException(403, "permission denied: " + vmPath);
		}
		catch (FileSystemException ex) {
			throw ApiException.badRequest("cannot access " + vmPath + ": " + reason(ex));
		}
		catch (IOException ex) {
			throw new ApiException(500, "I/O error on " + vmPath + ": " + reason(ex));
		}
	}

	/**
	 * What went wrong in an I/O failure, without the host paths that the messages of
	 * {@code java.nio.file} exceptions carry.
	 * @param ex the failure
	 * @return the reason of a file system failure, else the type of the failure
	 */
	public static String reason(IOException ex) {
		if (ex instanceof FileSystemException fs && fs.getReason() != null) {
			return fs.getReason();
		}
		return ex.getClass().getSimpleName();
	}

}
