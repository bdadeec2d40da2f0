package ai.together.sandbox.emulator.internal.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * How the execs of an emulator are contained. With namespaces, each running sandbox has one
 * bubblewrap ({@code bwrap}) process whose mount namespace has the sandbox's directory as
 * {@code /} (the host's system directories bound read-only, its own {@code /proc} and
 * {@code /dev}) and whose PID namespace is the sandbox's kill domain; every exec enters both with
 * {@code nsenter}. Without, execs are processes of this machine in a session of their own, with
 * their working directory inside the sandbox's directory.
 */
public final class ProcessIsolation {

	private static final Log logger = LogFactory.getLog(ProcessIsolation.class);

	/** The directories of the host bound read-only into every sandbox. */
	static final List<String> SYSTEM_DIRECTORIES = List.of("/usr", "/etc");

	/**
	 * The top-level directories that merged-/usr systems make symbolic links into {@code /usr}:
	 * the same links are made in the sandbox, or the directories bound when the host has them as
	 * directories.
	 */
	static final List<String> ROOT_LINKS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");

	/** The {@code PATH} of commands in a sandbox with namespaces. */
	public static final String SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	/** How an emulator runs execs, as asked for. */
	public enum Mode {

		/** Namespaces when this machine has them, else host processes with a warning. */
		AUTO,

		/** Namespaces; starting fails when this machine has none. */
		NAMESPACES,

		/** Host processes. */
		NONE

	}

	/** Probe results by bwrap executable: {@code null} when it works, else why not. */
	private static final Map<String, String> PROBES = new ConcurrentHashMap<>();

	private static final String WORKS = "";

	private final @Nullable String bwrap;

	private final @Nullable String nsenter;

	private final @Nullable String unavailable;

	private final @Nullable Path processRecords;

	private ProcessIsolation(@Nullable String bwrap, @Nullable String nsenter, @Nullable String unavailable,
			@Nullable Path processRecords) {
		this.bwrap = bwrap;
		this.nsenter = nsenter;
		this.unavailable = unavailable;
		this.processRecords = processRecords;
	}

	/**
	 * Chooses how execs run: probes once per JVM whether namespaces work here.
	 * @param mode what was asked for
	 * @param processRecords where processes of this machine are recorded, for the next emulator
	 * on the data directory to kill if this one is killed; {@code null} records nothing
	 * @return the isolation
	 * @throws IllegalStateException if namespaces were required and do not work here
	 */
	public static ProcessIsolation select(Mode mode, @Nullable Path processRecords) {
		if (mode == Mode.NONE) {
			return new ProcessIsolation(null, null, "turned off", processRecords);
		}
		String bwrap = find("bwrap");
		String nsenter = find("nsenter");
		String reason;
		if (bwrap == null) {
			reason = "bubblewrap (bwrap, Debian package bubblewrap) is not installed";
		}
		else if (nsenter == null) {
			reason = "nsenter (util-linux) is not installed";
		}
		else {
			reason = PROBES.computeIfAbsent(bwrap + " " + nsenter, key -> probe(bwrap, nsenter));
		}
		if (reason.equals(WORKS)) {
			return new ProcessIsolation(bwrap, nsenter, null, null);
		}
		if (mode == Mode.NAMESPACES) {
			throw new IllegalStateException("exec isolation NAMESPACES is not available on this machine: " + reason);
		}
		return new ProcessIsolation(null, null, reason, processRecords);
	}

	private static @Nullable String find(String name) {
		for (String directory : new String[] { "/usr/bin", "/bin", "/usr/local/bin" }) {
			Path candidate = Path.of(directory, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	/** Runs {@code true} in a namespace of an empty directory, as every exec would run. */
	private static String probe(String bwrap, String nsenter) {
		Path root = null;
		SandboxNamespace namespace = null;
		try {
			root = Files.createTempDirectory("together-sandbox-emulator-probe-");
			ProcessIsolation isolation = new ProcessIsolation(bwrap, nsenter, null, null);
			namespace = new SandboxNamespace(isolation, root);
			List<String> command = new ArrayList<>(namespace.enter("/"));
			command.add("true");
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (process.waitFor() != 0) {
				return "the namespace probe failed: " + new String(output, java.nio.charset.StandardCharsets.UTF_8).trim();
			}
			return WORKS;
		}
		catch (IOException | RuntimeException ex) {
			return "the namespace probe failed: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "the namespace probe was interrupted";
		}
		finally {
			if (namespace != null) {
				namespace.kill();
			}
			if (root != null) {
				try {
					FileTrees.deleteRecursively(root);
				}
				catch (IOException ex) {
					logger.debug("Could not delete the probe directory " + root + ": " + ex.getMessage());
				}
			}
		}
	}

	/**
	 * Returns whether execs run in namespaces.
	 * @return whether they do
	 */
	public boolean namespaced() {
		return this.bwrap != null;
	}

	/**
	 * Returns why execs do not run in namespaces.
	 * @return the reason, {@code null} when they do
	 */
	public @Nullable String unavailableReason() {
		return this.unavailable;
	}

	/**
	 * Returns where processes of this machine record their sessions.
	 * @return the directory, {@code null} with namespaces or when nothing is recorded
	 */
	public @Nullable Path processRecords() {
		return this.processRecords;
	}

	/**
	 * The command line of a sandbox's init: bwrap with the sandbox directory as {@code /}.
	 * Makes, in the sandbox directory, the mount points and links a root directory needs.
	 */
	List<String> initCommand(Path root) throws IOException {
		if (this.bwrap == null) {
			throw new IllegalStateException("namespaces are not in use");
		}
		List<String> command = new ArrayList<>(List.of(this.bwrap, "--bind", root.toString(), "/"));
		for (String directory : SYSTEM_DIRECTORIES) {
			if (Files.isDirectory(Path.of(directory))) {
				command.addAll(List.of("--ro-bind", directory, directory));
			}
		}
		for (String link : ROOT_LINKS) {
			Path host = Path.of(link);
			Path inSandbox = root.resolve(link.substring(1));
			if (Files.isSymbolicLink(host)) {
				// bwrap's --symlink fails when the link exists (the second start of a sandbox).
				if (!Files.exists(inSandbox, LinkOption.NOFOLLOW_LINKS)) {
					Files.createSymbolicLink(inSandbox, Files.readSymbolicLink(host));
				}
			}
			else if (Files.isDirectory(host)) {
				command.addAll(List.of("--ro-bind", link, link));
			}
		}
		// The sandbox's /tmp is a directory of the sandbox, shared by its execs and seen by the
		// files API, as on a VM; never the host's.
		Path tmp = root.resolve("tmp");
		if (!Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
			Files.createDirectory(tmp);
			tmp.toFile().setWritable(true, false);
		}
		command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--unshare-pid", "--die-with-parent", "--chdir",
				"/", "--", "sleep", "infinity"));
		return command;
	}

	/**
	 * Returns where a path of a sandbox with namespaces is on this machine: under a system
	 * directory bound from the host (or a link to one), the host's; anything else, the sandbox's.
	 * @param root the sandbox's directory
	 * @param sandboxPath an absolute path in the sandbox
	 * @return the path on this machine, {@code null} if it has {@code ..} segments
	 */
	public static @Nullable Path hostView(Path root, String sandboxPath) {
		StringBuilder normalized = new StringBuilder();
		for (String segment : sandboxPath.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				return null;
			}
			normalized.append('/').append(segment);
		}
		String path = normalized.toString();
		for (String system : SYSTEM_DIRECTORIES) {
			if (path.equals(system) || path.startsWith(system + "/")) {
				return Path.of(path);
			}
		}
		for (String link : ROOT_LINKS) {
			if ((path.equals(link) || path.startsWith(link + "/")) && Files.exists(Path.of(link))) {
				return Path.of(path);
			}
		}
		return path.isEmpty() ? root : root.resolve(path.substring(1));
	}

	/** The command line prefix that runs a command in the namespaces of {@code target}. */
	List<String> enterCommand(long target, boolean ownUserNamespace, String cwd) {
		if (this.nsenter == null) {
			throw new IllegalStateException("namespaces are not in use");
		}
		List<String> command = new ArrayList<>(List.of(this.nsenter, "--target", Long.toString(target)));
		if (ownUserNamespace) {
			command.addAll(List.of("--user", "--preserve-credentials"));
		}
		// -W, not --wdns: util-linux 2.38 takes a separate argument only after the short option.
		command.addAll(List.of("--mount", "--pid", "--root", "-W", cwd, "--"));
		return command;
	}

}
