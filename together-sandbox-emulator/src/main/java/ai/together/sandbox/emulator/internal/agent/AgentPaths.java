package ai.together.sandbox.emulator.internal.agent;

/**
 * The wire paths of the agent API (PROTOCOL.md §3), as route templates. File and directory paths
 * are one percent-encoded segment or several raw ones, hence rest parameters.
 */
public final class AgentPaths {

	/** Where the agent API of each sandbox is mounted. */
	public static final String MOUNT = "/sandboxes/{sandbox}/agent";

	static final String FILE = "/api/v1/files/{path*}";

	static final String FILE_STAT = "/api/v1/file_stat/{path*}";

	static final String DIRECTORY = "/api/v1/directories/{path*}";

	static final String EXECS = "/api/v1/execs";

	static final String EXEC = "/api/v1/execs/{exec}";

	static final String EXEC_IO = "/api/v1/execs/{exec}/io";

	static final String PORTS = "/api/v1/ports";

	static final String STREAM_PORTS = "/api/v1/stream/ports";

	static final String STREAM_EXECS = "/api/v1/stream/execs";

	static final String STREAM_EXEC_IO = "/api/v1/stream/execs/{exec}/io";

	/** The SDK appends the watched path unencoded, so {@code //src} is the absolute path {@code /src}. */
	static final String STREAM_DIRECTORY_WATCHER = "/api/v1/stream/directories/watcher/{path+}";

	static final String TASKS = "/api/v1/tasks";

	static final String TASK = "/api/v1/tasks/{task+}";

	static final String SETUP_TASKS = "/api/v1/setup-tasks";

	private AgentPaths() {
	}

	/**
	 * Returns the agent URL of a sandbox.
	 * @param origin the origin of the emulator
	 * @param sandboxId the sandbox id
	 * @return the URL
	 */
	public static String agentUrl(String origin, String sandboxId) {
		return origin + MOUNT.replace("{sandbox}", sandboxId);
	}

}
