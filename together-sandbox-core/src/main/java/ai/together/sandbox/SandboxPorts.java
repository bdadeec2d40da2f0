package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.internal.util.Blocking;
import ai.together.sandbox.ports.PortInfo;

/**
 * Open ports of a connected sandbox, in the blocking style: {@code sandbox.ports()}. The
 * blocking view of {@link ReactiveSandboxPorts}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxPorts {

	private final ReactiveSandboxPorts reactive;

	SandboxPorts(ReactiveSandboxPorts reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Lists the open ports.
	 * @return the ports
	 */
	public List<PortInfo> list() {
		return Blocking.value(this.reactive.list().collectList());
	}

	/**
	 * Streams the list of open ports: the whole list on connect, then after each change.
	 * @return each version of the list; close it when done
	 */
	public StreamResponse<List<PortInfo>> streamList() {
		return StreamResponse.of(this.reactive.streamList());
	}

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxPorts reactive() {
		return this.reactive;
	}

}
