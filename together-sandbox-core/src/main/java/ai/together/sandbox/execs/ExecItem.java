package ai.together.sandbox.execs;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * An exec as the agent describes it (the API's {@code ExecItem}).
 *
 * @param id the exec id
 * @param command the command
 * @param args the command's arguments
 * @param status the status ({@link ExecStatus} compares case-insensitively)
 * @param pid the process id
 * @param interactive whether the exec accepts input
 * @param pty whether the exec runs in a pseudo-terminal
 * @param exitCode the exit code once the process has exited, else {@code null}
 * @param uid the user id the command runs as, or {@code null} when not reported
 * @param gid the group id the command runs as, or {@code null} when not reported
 * @param user the user the command runs as, {@code "uid[:gid]"}, as the current agent API
 * reports it, or {@code null} when not reported
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ExecItem(@JsonProperty("id") String id, @JsonProperty("command") String command,
		@JsonProperty("args") List<String> args, @JsonProperty("status") ExecStatus status,
		@JsonProperty("pid") int pid, @JsonProperty("interactive") boolean interactive,
		@JsonProperty("pty") boolean pty, @JsonProperty("exitCode") @Nullable Integer exitCode,
		@JsonProperty("uid") @Nullable Long uid, @JsonProperty("gid") @Nullable Long gid,
		@JsonProperty("user") @Nullable String user) {

	/**
	 * Tolerates fields the agent left out.
	 */
	public ExecItem {
		id = (id != null) ? id : "";
		command = (command != null) ? command : "";
		args = (args != null) ? List.copyOf(args) : List.of();
		status = (status != null) ? status : ExecStatus.of("");
	}

	/**
	 * An exec without {@code user}: the seed's fields.
	 * @param id the exec id
	 * @param command the command
	 * @param args the command's arguments
	 * @param status the status
	 * @param pid the process id
	 * @param interactive whether the exec accepts input
	 * @param pty whether the exec runs in a pseudo-terminal
	 * @param exitCode the exit code, or {@code null}
	 * @param uid the user id, or {@code null}
	 * @param gid the group id, or {@code null}
	 */
	public ExecItem(String id, String command, List<String> args, ExecStatus status, int pid, boolean interactive,
			boolean pty, @Nullable Integer exitCode, @Nullable Long uid, @Nullable Long gid) {
		this(id, command, args, status, pid, interactive, pty, exitCode, uid, gid, null);
	}

}
