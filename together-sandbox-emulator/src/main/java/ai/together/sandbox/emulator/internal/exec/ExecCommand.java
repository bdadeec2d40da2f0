package ai.together.sandbox.emulator.internal.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an exec runs.
 *
 * @param command the command as requested
 * @param executable the file that is run for it
 * @param args the arguments
 * @param interactive whether stdin stays open for writes
 * @param pty whether the process runs on a pseudo-terminal
 * @param cwd the working directory on this machine
 * @param env the whole environment
 */
public record ExecCommand(String command, String executable, List<String> args, boolean interactive, boolean pty,
		Path cwd, Map<String, String> env) {

	/** Copies the lists so that the command cannot change after it is created. */
	public ExecCommand {
		args = List.copyOf(args);
		env = Map.copyOf(env);
	}

}
