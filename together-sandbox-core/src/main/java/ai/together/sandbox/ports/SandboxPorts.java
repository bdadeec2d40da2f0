package ai.together.sandbox.ports;

import java.util.List;

import ai.together.sandbox.core.StreamResponse;

/**
 * Open ports of a connected sandbox, in the blocking style: {@code sandbox.ports()}. The
 * blocking view of {@link ReactiveSandboxPorts}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface SandboxPorts {

	/**
	 * Lists the open ports.
	 * @return the ports
	 */
	List<PortInfo> list();

	/**
	 * Streams the list of open ports: the whole list on connect, then after each change.
	 * @return each version of the list; close it when done
	 */
	StreamResponse<List<PortInfo>> streamList();

	/**
	 * Returns the reactive view of this namespace.
	 * @return the reactive namespace
	 */
	ReactiveSandboxPorts reactive();

}
