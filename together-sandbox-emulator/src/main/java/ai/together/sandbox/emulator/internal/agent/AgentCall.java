package ai.together.sandbox.emulator.internal.agent;

import ai.together.sandbox.emulator.internal.exec.ExecProcess;
import ai.together.sandbox.emulator.internal.exec.SandboxExecs;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import org.jspecify.annotations.Nullable;

/**
 * An admitted agent request: the running sandbox it addresses, the request, and what its route's
 * {@code {path}} or {@code {exec}} parameter names. Those are resolved on admission, before any
 * handler reads the body, so that a bad path or an unknown exec is answered before a bad body.
 */
public final class AgentCall {

	private final SandboxInstance sandbox;

	private final Request request;

	private final @Nullable String vmPath;

	private final @Nullable ExecProcess exec;

	AgentCall(SandboxInstance sandbox, Request request) {
		this.sandbox = sandbox;
		this.request = request;
		this.vmPath = request.pathParams().containsKey("path") ? vmPath(request.pathParam("path")) : null;
		this.exec = request.pathParams().containsKey("exec") ? sandbox.execs().get(request.pathParam("exec")) : null;
	}

	/** A VM path is one {@code %2F}-encoded segment or several raw ones; none is the root. */
	private static String vmPath(String decoded) {
		return decoded.isEmpty() ? "/" : decoded;
	}

	public SandboxInstance sandbox() {
		return this.sandbox;
	}

	public Request request() {
		return this.request;
	}

	public SandboxFiles files() {
		return this.sandbox.files();
	}

	public SandboxExecs execs() {
		return this.sandbox.execs();
	}

	/**
	 * Returns the VM path of a route with a {@code {path}} parameter.
	 * @return the path, decoded
	 */
	public String vmPath() {
		if (this.vmPath == null) {
			throw new IllegalStateException("the route has no path parameter path");
		}
		return this.vmPath;
	}

	/**
	 * Returns the exec of a route with an {@code {exec}} parameter.
	 * @return the exec
	 */
	public ExecProcess exec() {
		if (this.exec == null) {
			throw new IllegalStateException("the route has no path parameter exec");
		}
		return this.exec;
	}

}
