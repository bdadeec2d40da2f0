package ai.together.sandbox.ports;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A port open in the sandbox.
 *
 * @param port the port number (1 to 65535)
 * @param address the address it is bound to, for example {@code 0.0.0.0}
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record PortInfo(@JsonProperty("port") int port, @JsonProperty("address") String address) {

	/**
	 * Tolerates fields the agent left out.
	 */
	public PortInfo {
		address = (address != null) ? address : "";
	}

}
