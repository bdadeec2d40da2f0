package ai.together.sandbox.current;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a sandbox's agent (the API's nested {@code agent} object).
 * {@link #toString()} never prints the token.
 *
 * @param version the agent version, or {@code null}
 * @param token the agent's bearer token (a secret), {@code null} unless the sandbox runs
 * @param url the agent's base URL, {@code null} unless the sandbox runs
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record AgentDetails(@JsonProperty("version") @Nullable String version,
		@JsonProperty("token") @Nullable String token, @JsonProperty("url") @Nullable String url) {

	@Override
	public String toString() {
		return "AgentDetails[version=" + this.version + ", token=" + ((this.token != null) ? "[REDACTED]" : null)
				+ ", url=" + this.url + "]";
	}

}
