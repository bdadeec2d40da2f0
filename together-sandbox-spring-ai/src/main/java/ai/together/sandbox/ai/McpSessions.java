package ai.together.sandbox.ai;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ToolContext;

/**
 * The MCP session of a tool call that Spring AI's MCP server made: it puts the exchange in the
 * tool context under {@value #EXCHANGE_KEY}. Loaded only when the MCP SDK is on the classpath.
 */
final class McpSessions {

	/** The key of Spring AI's {@code McpToolUtils.TOOL_CONTEXT_MCP_EXCHANGE_KEY}. */
	static final String EXCHANGE_KEY = "exchange";

	private McpSessions() {
	}

	static @Nullable String sessionId(ToolContext context) {
		Object exchange = context.getContext().get(EXCHANGE_KEY);
		if (exchange instanceof McpSyncServerExchange sync) {
			return sync.sessionId();
		}
		if (exchange instanceof McpAsyncServerExchange async) {
			return async.sessionId();
		}
		return null;
	}

}
