package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.ports.PortInfo;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.http.HttpMethod;

/**
 * Open ports of a connected sandbox, in the reactive style: {@code sandbox.ports()}. Nothing is
 * sent until a returned publisher is subscribed to. {@link #list()} is retried according to the
 * client's {@code RetryConfig} (operation {@code ports.list}); {@link #streamList()} is not.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxPorts {

	private static final Json.LazyType PORT_LIST = Json.type(PortList.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	ReactiveSandboxPorts(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
	}

	/**
	 * Lists the open ports.
	 * @return the ports
	 */
	public Flux<PortInfo> list() {
		return this.agent.transport()
			.call(this.agent.call("ports.list", null, HttpMethod.GET, "/api/v1/ports"), PortList.class)
			.flatMapIterable(PortList::items);
	}

	/**
	 * Streams the list of open ports over server-sent events: the whole list on connect, then
	 * again after each change. Runs until cancelled, until the server closes it, or until the
	 * sandbox is closed; not retried, no timeout. Cancelling it closes its connection.
	 * @return each version of the list
	 */
	public Flux<List<PortInfo>> streamList() {
		return this.streams.<PortList>open("ports.streamList", null, "/api/v1/stream/ports", PORT_LIST.get())
			.map(PortList::items);
	}

	/** The API's {@code PortsListResponse}. */
	record PortList(@JsonProperty("ports") @Nullable List<PortInfo> ports) {

		List<PortInfo> items() {
			return (this.ports != null) ? this.ports : List.of();
		}

	}

}
