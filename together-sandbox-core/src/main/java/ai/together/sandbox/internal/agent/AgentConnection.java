package ai.together.sandbox.internal.agent;

import java.util.Objects;

import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.http.HttpTransport;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * How to reach one running sandbox's agent API: its base URL, its token and the shared transport.
 * {@link #toString()} hides the token.
 *
 * @param sandboxId the sandbox id
 * @param agentUrl the agent base URL
 * @param agentToken the agent bearer token (a secret)
 * @param transport the shared transport
 * @param dialect the agent API generation of the sandbox
 */
public record AgentConnection(String sandboxId, String agentUrl, String agentToken, HttpTransport transport,
		AgentDialect dialect) {

	/**
	 * Validates the connection details.
	 */
	public AgentConnection {
		Objects.requireNonNull(sandboxId, "sandboxId");
		Objects.requireNonNull(agentUrl, "agentUrl");
		Objects.requireNonNull(agentToken, "agentToken");
		Objects.requireNonNull(transport, "transport");
		Objects.requireNonNull(dialect, "dialect");
		// Also when it was never sent: an error of another connection may quote it.
		transport.redactor().learn(agentToken);
	}

	/**
	 * The connection to an agent of the seed's generation.
	 * @param sandboxId the sandbox id
	 * @param agentUrl the agent base URL
	 * @param agentToken the agent bearer token
	 * @param transport the shared transport
	 */
	public AgentConnection(String sandboxId, String agentUrl, String agentToken, HttpTransport transport) {
		this(sandboxId, agentUrl, agentToken, transport, AgentDialect.SEED);
	}

	/**
	 * A call to this sandbox's agent API, named as this sandbox's generation names it.
	 * @param operation the seed's operation name (see {@link AgentDialect#operation(String)})
	 * @param context the context string, or {@code null}
	 * @param method the method
	 * @param path the encoded path, starting with {@code /api/v1}, query included
	 * @return the call
	 */
	public ApiCall call(String operation, @Nullable String context, HttpMethod method, String path) {
		return ClientContext.agent(this.agentUrl, this.agentToken, this.dialect.operation(operation), context, method,
				path)
			.withSandboxId(this.sandboxId);
	}

	@Override
	public String toString() {
		return "AgentConnection[sandboxId=" + this.sandboxId + ", agentUrl=" + this.agentUrl + "]";
	}

}
