package ai.together.sandbox.emulator.internal.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.together.sandbox.emulator.internal.files.FileTrees;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What an emulator that was killed leaves behind, and the records that let the next one clean it
 * up: every data directory has an owner file (process id and start time of its emulator), and
 * without namespaces every exec's session is recorded under {@code processes/}. On startup an
 * emulator kills the recorded sessions of its data directory when their emulator is dead, and
 * deletes the temporary data directories of dead emulators.
 */
public final class Leftovers {

	private static final Log logger = LogFactory.getLog(Leftovers.class);

	/** The owner file of a data directory. */
	static final String OWNER = "emulator.owner";

	/** The directory of the recorded sessions of a data directory. */
	public static final String PROCESSES = "processes";

	private Leftovers() {
	}

	/**
	 * Cleans up after dead emulators, then claims a data directory: its recorded sessions are
	 * killed unless their emulator still runs, and the temporary data directories (named
	 * {@code prefix*} in {@code temporaryRoot}) of dead emulators are deleted, with their
	 * processes.
	 * @param dataDirectory the data directory about to be used
	 * @param temporaryRoot where temporary data directories are made
	 * @param prefix the name prefix of temporary data directories
	 */
	public static void reapAndClaim(Path dataDirectory, Path temporaryRoot, String prefix) {
		reapTemporaryDirectories(dataDirectory, temporaryRoot, prefix);
		Owner owner = readOwner(dataDirectory);
		if (owner != null && owner.alive() && !owner.isCurrent()) {
			logger.warn("The data directory " + dataDirectory + " is also used by the running emulator of process "
					+ owner.pid() + ": its processes are left alone");
		}
		else {
			killRecorded(dataDirectory);
		}
		writeOwner(dataDirectory);
	}

	/**
	 * Releases a data directory that is kept: its owner file is removed.
	 * @param dataDirectory the data directory
	 */
	public static void release(Path dataDirectory) {
		try {
			Files.deleteIfExists(dataDirectory.resolve(OWNER));
		}
		catch (IOException ex) {
			logger.debug("Could not remove the owner file of " + dataDirectory + ": " + ex.getMessage());
		}
	}

	private static void reapTemporaryDirectories(Path current, Path temporaryRoot, String prefix) {
		try (DirectoryStream<Path> candidates = Files.newDirectoryStream(temporaryRoot, prefix + "*")) {
			for (Path candidate : candidates) {
				if (candidate.equals(current) || !Files.isDirectory(candidate)) {
					continue;
				}
				Owner owner = readOwner(candidate);
				// A directory without owner file is not known to be dead: an older emulator's, or
				// one being set up.
				if (owner == null || owner.alive()) {
					continue;
				}
				killRecorded(candidate);
				try {
					FileTrees.deleteRecursively(candidate);
					logger.info("Deleted the temporary data directory " + candidate + " of a killed emulator (process "
							+ owner.pid() + ")");
				}
				catch (IOException ex) {
					logger.warn("Could not delete the temporary data directory " + candidate + " of a killed emulator: "
							+ ex.getMessage());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not look for leftovers of killed emulators in " + temporaryRoot + ": " + ex.getMessage());
		}
	}

	/** Kills every recorded session of a data directory and forgets them. */
	private static void killRecorded(Path dataDirectory) {
		Path records = dataDirectory.resolve(PROCESSES);
		if (!Files.isDirectory(records)) {
			return;
		}
		List<ProcessLauncher.Killed> killed = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(records)) {
			for (Path entry : entries) {
				Owner session = parse(entry);
				if (session != null) {
					List<ProcessHandle> members = ProcessLauncher.sessionMembers(session.pid(), session.started());
					members.forEach(ProcessHandle::destroyForcibly);
					if (!members.isEmpty()) {
						logger.info("Killed " + members.size() + " processes left by a killed emulator (session "
								+ session.pid() + ")");
						killed.add(new ProcessLauncher.Killed("leftover", null, members));
					}
				}
				Files.deleteIfExists(entry);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not kill the processes left in " + records + ": " + ex.getMessage());
		}
		ProcessLauncher.awaitExit(killed, ExecProcess.KILL_TIMEOUT);
	}

	/**
	 * Records the session of a process started on this machine.
	 * @param records the directory of records
	 * @param process the process, leader of its session
	 */
	static void record(Path records, Process process) {
		Optional<Instant> started = process.info().startInstant();
		try {
			Files.createDirectories(records);
			Files.writeString(records.resolve(Long.toString(process.pid())),
					process.pid() + " " + started.map(Instant::toEpochMilli).orElse(0L) + "\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			logger.debug("Could not record process " + process.pid() + ": " + ex.getMessage());
		}
	}

	/**
	 * Forgets the session of a process once none of its processes is left.
	 * @param records the directory of records
	 * @param pid the process id of the session leader
	 */
	static void forgetIfEmpty(Path records, long pid, @Nullable Instant started) {
		if (!ProcessLauncher.sessionMembers(pid, started).isEmpty()) {
			return;
		}
		try {
			Files.deleteIfExists(records.resolve(Long.toString(pid)));
		}
		catch (IOException ex) {
			logger.debug("Could not forget process " + pid + ": " + ex.getMessage());
		}
	}

	private static void writeOwner(Path dataDirectory) {
		ProcessHandle self = ProcessHandle.current();
		try {
			Files.writeString(dataDirectory.resolve(OWNER), self.pid() + " "
					+ self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			logger.warn("Could not write the owner file of " + dataDirectory + ": " + ex.getMessage());
		}
	}

	private static @Nullable Owner readOwner(Path dataDirectory) {
		return parse(dataDirectory.resolve(OWNER));
	}

	private static @Nullable Owner parse(Path file) {
		try {
			String[] fields = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
			long millis = Long.parseLong(fields[1]);
			return new Owner(Long.parseLong(fields[0]), millis == 0 ? null : Instant.ofEpochMilli(millis));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** A process known by id and start time, so that a reused process id is not mistaken for it. */
	private record Owner(long pid, @Nullable Instant started) {

		boolean alive() {
			return ProcessHandle.of(this.pid)
				.filter(ProcessHandle::isAlive)
				.filter(p -> this.started == null
						|| p.info().startInstant().map(s -> s.toEpochMilli() == this.started.toEpochMilli()).orElse(true))
				.isPresent();
		}

		boolean isCurrent() {
			return this.pid == ProcessHandle.current().pid();
		}

	}

}
