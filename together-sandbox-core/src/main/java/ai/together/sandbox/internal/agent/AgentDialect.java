package ai.together.sandbox.internal.agent;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * The one place where the agent APIs of the two generations differ (the agent of upstream 1.8.0
 * and that of 1.9.0 and later): how an exec is created (autorun/autostart, uid/gid/user,
 * interactive), how a created exec is started, and the operation names reported to retries,
 * observations and errors. Files, directories, ports, streams and watch are the same on both.
 * Chosen when a sandbox is connected: the generation whose management API reported it.
 */
public abstract class AgentDialect {

	/**
	 * The seed's agent (upstream 1.8.0): {@code autorun}, {@code interactive}, {@code uid}/{@code gid};
	 * a created exec starts with {@code PUT /api/v1/execs/{id}} {@code {"status":"running"}}.
	 */
	public static final AgentDialect SEED = new AgentDialect("seed") {

		@Override
		public String operation(String name) {
			return name;
		}

		@Override
		public Object execBody(ExecRequest request) {
			if (request.user() != null) {
				throw new IllegalArgumentException("user is not part of this sandbox's agent API (the seed's"
						+ " generation, which takes uid and gid); set uid/gid instead, or use a sandbox of the current"
						+ " generation (sdk.current())");
			}
			return request;
		}

		@Override
		public ApiCall startCall(AgentConnection agent, String id) {
			return agent.call("execs.resume", Repr.context("id", id), HttpMethod.PUT, execPath(id))
				.withJson(Map.of("status", "running"));
		}

	};

	/**
	 * The current agent (upstream 1.9.0 and later): {@code autostart}, {@code user}, no
	 * {@code interactive}; a created exec starts with {@code POST /api/v1/execs/{id}/start}
	 * {@code {}} (200 when started or already running, 409 once exited or stopped). Operation
	 * names carry the upstream SDKs' {@code sandbox.} prefix, {@code sandbox.execs.start} for the
	 * start.
	 */
	public static final AgentDialect CURRENT = new AgentDialect("current") {

		@Override
		public String operation(String name) {
			return "sandbox." + (name.equals("execs.resume") ? "execs.start" : name);
		}

		@Override
		public Object execBody(ExecRequest request) {
			if (request.interactive() != null) {
				throw new IllegalArgumentException("interactive is not part of the current agent API: every exec"
						+ " takes input through execs().sendStdin(..); leave it unset");
			}
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("command", request.command());
			body.put("args", request.args());
			if (request.autorun() != null) {
				body.put("autostart", request.autorun());
			}
			if (request.pty() != null) {
				body.put("pty", request.pty());
			}
			if (request.cwd() != null) {
				body.put("cwd", request.cwd());
			}
			if (request.env() != null) {
				body.put("env", request.env());
			}
			String user = user(request);
			if (user != null) {
				body.put("user", user);
			}
			return body;
		}

		@Override
		public ApiCall startCall(AgentConnection agent, String id) {
			return agent.call("execs.resume", Repr.context("id", id), HttpMethod.POST, execPath(id) + "/start")
				.withJson(Map.of());
		}

	};

	private final String name;

	private AgentDialect(String name) {
		this.name = name;
	}

	/**
	 * Returns the operation name of an agent call of this generation.
	 * @param name the seed's name, for example {@code files.read}
	 * @return the name reported to retries, observations and errors
	 */
	public abstract String operation(String name);

	/**
	 * Returns the body of {@code POST /api/v1/execs} for a request.
	 * @param request the request
	 * @return the value to serialise as JSON
	 * @throws IllegalArgumentException when the request sets a field this agent does not have
	 */
	public abstract Object execBody(ExecRequest request);

	/**
	 * Returns the call that starts a created exec.
	 * @param agent the sandbox's agent connection
	 * @param id the exec id
	 * @return the call
	 */
	public abstract ApiCall startCall(AgentConnection agent, String id);

	@Override
	public String toString() {
		return "AgentDialect[" + this.name + "]";
	}

	private static String execPath(String id) {
		return "/api/v1/execs/" + PathEncoder.segment(id);
	}

	/** {@code uid}/{@code gid} in the current agent's {@code "uid[:gid]"} form, or {@code user} itself. */
	private static @Nullable String user(ExecRequest request) {
		if (request.user() != null) {
			return request.user();
		}
		if (request.uid() == null && request.gid() == null) {
			return null;
		}
		String uid = (request.uid() != null) ? request.uid().toString() : "";
		return (request.gid() != null) ? uid + ":" + request.gid() : uid;
	}

}
