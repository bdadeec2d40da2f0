package ai.together.sandbox.ports;

import java.util.List;

import reactor.core.publisher.Flux;

/**
 * Open ports of a connected sandbox, in the reactive style: {@code sandbox.ports()}. Nothing is
 * sent until a returned publisher is subscribed to. {@link #list()} is retried according to the
 * client's {@code RetryConfig} (operation {@code ports.list}); {@link #streamList()} is not.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface ReactiveSandboxPorts {

	/**
	 * Lists the open ports.
	 * @return the ports
	 */
	Flux<PortInfo> list();

	/**
	 * Streams the list of open ports over server-sent events: the whole list on connect, then
	 * again after each change. Runs until cancelled, until the server closes it, or until the
	 * sandbox is closed; not retried, no timeout. Cancelling it closes its connection.
	 * @return each version of the list
	 */
	Flux<List<PortInfo>> streamList();

}
