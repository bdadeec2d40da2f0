package ai.together.sandbox.ai;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the Spring AI sandbox tools: {@link SandboxTools} (a
 * {@link ToolCallbackProvider}, which Spring AI's MCP server starters also serve) over
 * {@link ConversationSandboxes}, on the application's {@link TogetherSandbox}. Active when Spring
 * AI is on the classpath, a {@code TogetherSandbox} bean exists (the Together Sandbox starter
 * defines it) and {@code together.sandbox.ai.enabled} is not {@code false}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "ai.together.sandbox.autoconfigure.TogetherSandboxAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ ToolCallbackProvider.class, TogetherSandbox.class })
@ConditionalOnBean(TogetherSandbox.class)
@ConditionalOnBooleanProperty(name = SandboxToolsProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(SandboxToolsProperties.class)
public final class SandboxToolsAutoConfiguration {

	private static final String CONNECTION_DETAILS = "ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails";

	private static final String MCP_EXCHANGE = "io.modelcontextprotocol.server.McpSyncServerExchange";

	SandboxToolsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	ConversationSandboxes conversationSandboxes(TogetherSandbox togetherSandbox, SandboxToolsProperties properties,
			ObjectProvider<CreateSandboxRequest.Builder> createRequestBuilder) {
		return new ConversationSandboxes(togetherSandbox, () -> {
			// The starter's prototype builder carries together.sandbox.defaults.*; the alias of
			// together.sandbox.ai wins over its default alias.
			CreateSandboxRequest.Builder builder = createRequestBuilder.getIfAvailable(CreateSandboxRequest::builder);
			if (properties.getSnapshotAlias() != null) {
				builder.snapshotAlias(properties.getSnapshotAlias());
			}
			return builder.build();
		}, properties.getWorkdir(), properties.getIdleTimeout(), properties.getMaxSandboxes());
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxTools sandboxTools(ConversationSandboxes conversationSandboxes, SandboxToolsProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry, ApplicationEventPublisher events,
			ApplicationContext context, Environment environment) {
		return new SandboxTools(conversationSandboxes, properties,
				observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP), events, apiKeys(context, environment),
				sessionIds(context.getClassLoader()));
	}

	/** Every API key the application may use, so that no tool result shows one. */
	private static Set<String> apiKeys(ApplicationContext context, Environment environment) {
		Set<String> keys = new LinkedHashSet<>();
		addKey(keys, environment.getProperty("together.sandbox.api-key"));
		addKey(keys, environment.getProperty("TOGETHER_API_KEY"));
		addKey(keys, System.getenv("TOGETHER_API_KEY"));
		if (ClassUtils.isPresent(CONNECTION_DETAILS, context.getClassLoader())) {
			ConnectionDetailsKeys.addTo(keys, context);
		}
		return keys;
	}

	private static void addKey(Set<String> keys, @Nullable String key) {
		// Short values would redact ordinary words of the output; a real key is long.
		if (key != null && key.trim().length() >= 8) {
			keys.add(key.trim());
		}
	}

	private static Function<ToolContext, @Nullable String> sessionIds(@Nullable ClassLoader classLoader) {
		if (ClassUtils.isPresent(MCP_EXCHANGE, classLoader)) {
			return McpSessions::sessionId;
		}
		return (context) -> null;
	}

	/** Reads the key of the starter's connection details (which include the embedded emulator's). */
	private static final class ConnectionDetailsKeys {

		static void addTo(Set<String> keys, ApplicationContext context) {
			context.getBeanProvider(ai.together.sandbox.autoconfigure.TogetherSandboxConnectionDetails.class)
				.orderedStream()
				.forEach((details) -> addKey(keys, details.getApiKey()));
		}

	}

}
