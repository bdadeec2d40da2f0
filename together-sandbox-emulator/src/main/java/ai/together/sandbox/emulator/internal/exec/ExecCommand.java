package ai.together.sandbox.emulator.internal.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What an exec runs.
 *
 * @param command the command as requested
 * @param executable the file that is run for it
 * @param args the arguments
 * @param interactive whether stdin stays open for writes
 * @param pty whether the process runs on a pseudo-terminal
 * @param cwd the working directory on this machine
 * @param sandboxCwd the working directory as a path of the sandbox
 * @param env the whole environment
 * @param namespace the namespaces of the sandbox it runs in, {@code null} to run on this machine
 * @param processRecords where a process of this machine records its session, {@code null} for
 * nowhere
 */
public record ExecCommand(String command, String executable, List<String> args, boolean interactive, boolean pty,
		Path cwd, String sandboxCwd, Map<String, String> env, @Nullable SandboxNamespace namespace,
		@Nullable Path processRecords) {

	/** Copies the lists so that the command cannot change after it is created. */
	public ExecCommand {
		args = List.copyOf(args);
		env = Map.copyOf(env);
	}

}
