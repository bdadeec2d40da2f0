package ai.together.sandbox.internal.agent;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.ports.PortInfo;
import ai.together.sandbox.ports.ReactiveSandboxPorts;
import ai.together.sandbox.ports.SandboxPorts;

/**
 * The client's {@link SandboxPorts}: blocks once on the reactive namespace per call.
 */
public final class DefaultSandboxPorts implements SandboxPorts {

	private final ReactiveSandboxPorts reactive;

	/**
	 * Creates the blocking view; applications get it from the sandbox.
	 * @param reactive the reactive namespace
	 */
	public DefaultSandboxPorts(ReactiveSandboxPorts reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	@Override
	public List<PortInfo> list() {
		return Objects.requireNonNull(this.reactive.list().collectList().block());
	}

	@Override
	public StreamResponse<List<PortInfo>> streamList() {
		return StreamResponse.of(this.reactive.streamList());
	}

	@Override
	public ReactiveSandboxPorts reactive() {
		return this.reactive;
	}

}
