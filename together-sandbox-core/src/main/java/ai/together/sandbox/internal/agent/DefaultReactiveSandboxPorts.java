package ai.together.sandbox.internal.agent;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.ports.PortInfo;
import ai.together.sandbox.ports.ReactiveSandboxPorts;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JavaType;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSandboxPorts}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSandboxPorts implements ReactiveSandboxPorts {

	private static final JavaType PORT_LIST = Json.mapper().constructType(PortList.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	/**
	 * Creates the namespace; applications get it from the sandbox.
	 * @param agent the sandbox's agent connection
	 * @param streams the sandbox's streams
	 */
	public DefaultReactiveSandboxPorts(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
	}

	@Override
	public Flux<PortInfo> list() {
		return this.agent.transport()
			.call(this.agent.call("ports.list", null, HttpMethod.GET, "/api/v1/ports"), PortList.class)
			.flatMapIterable(PortList::items);
	}

	@Override
	public Flux<List<PortInfo>> streamList() {
		return this.streams.<PortList>open("ports.streamList", null, "/api/v1/stream/ports", PORT_LIST)
			.map(PortList::items);
	}

	/** The API's {@code PortsListResponse}. */
	record PortList(@JsonProperty("ports") @Nullable List<PortInfo> ports) {

		List<PortInfo> items() {
			return (this.ports != null) ? this.ports : List.of();
		}

	}

}
