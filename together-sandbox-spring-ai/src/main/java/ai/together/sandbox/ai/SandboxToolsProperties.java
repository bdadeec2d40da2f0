package ai.together.sandbox.ai;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Spring AI sandbox tools ({@code together.sandbox.ai.*}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@ConfigurationProperties(SandboxToolsProperties.PREFIX)
public class SandboxToolsProperties {

	/** The prefix of these properties. */
	public static final String PREFIX = "together.sandbox.ai";

	/**
	 * Whether to offer the sandbox tools.
	 */
	private boolean enabled = true;

	/**
	 * Snapshot alias ("namespace@alias") each conversation's sandbox is created from. When unset,
	 * the starter's together.sandbox.defaults.snapshot-alias.
	 */
	private @Nullable String snapshotAlias;

	/**
	 * Key of the tool context entry that names the conversation (by default Spring AI's
	 * ChatMemory.CONVERSATION_ID); each conversation gets its own
	 * sandbox. Calls over MCP use the MCP session id instead when the entry is absent.
	 */
	private String conversationIdKey = "chat_memory_conversation_id";

	/**
	 * Conversation id of the calls whose tool context names none (and that are no MCP calls):
	 * they all share one sandbox.
	 */
	private String defaultConversationId = "default";

	/**
	 * Directory inside the sandbox that relative paths and commands start from.
	 */
	private String workdir = "/workspace";

	/**
	 * How long a conversation's sandbox may stay unused before it is shut down.
	 */
	private Duration idleTimeout = Duration.ofMinutes(10);

	/**
	 * Most sandboxes running at once; a new conversation beyond it is refused.
	 */
	private int maxSandboxes = 10;

	/**
	 * Most characters of each of stdout and stderr returned to the model; the middle of longer
	 * output is cut, with a marker saying how much.
	 */
	private DataSize maxOutput = DataSize.ofKilobytes(16);

	/**
	 * Largest file the read tool returns; a larger file is refused with a hint to read it in
	 * parts.
	 */
	private DataSize maxFileSize = DataSize.ofKilobytes(256);

	/**
	 * Longest time a command may run (the model may ask for less); it is stopped after it.
	 */
	private Duration callTimeout = Duration.ofMinutes(2);

	/**
	 * Whether the tools are offered.
	 * @return whether they are enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Sets whether the tools are offered.
	 * @param enabled whether they are enabled
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Returns the snapshot alias sandboxes are created from, or {@code null} for the starter's
	 * default.
	 * @return the alias, or {@code null}
	 */
	public @Nullable String getSnapshotAlias() {
		return this.snapshotAlias;
	}

	/**
	 * Sets the snapshot alias sandboxes are created from.
	 * @param snapshotAlias the alias, or {@code null} for the starter's default
	 */
	public void setSnapshotAlias(@Nullable String snapshotAlias) {
		this.snapshotAlias = snapshotAlias;
	}

	/**
	 * Returns the tool context key that names the conversation.
	 * @return the key
	 */
	public String getConversationIdKey() {
		return this.conversationIdKey;
	}

	/**
	 * Sets the tool context key that names the conversation.
	 * @param conversationIdKey the key
	 */
	public void setConversationIdKey(String conversationIdKey) {
		this.conversationIdKey = conversationIdKey;
	}

	/**
	 * Returns the conversation id of calls that name none.
	 * @return the default conversation id
	 */
	public String getDefaultConversationId() {
		return this.defaultConversationId;
	}

	/**
	 * Sets the conversation id of calls that name none.
	 * @param defaultConversationId the default conversation id
	 */
	public void setDefaultConversationId(String defaultConversationId) {
		this.defaultConversationId = defaultConversationId;
	}

	/**
	 * Returns the directory relative paths and commands start from.
	 * @return the absolute directory
	 */
	public String getWorkdir() {
		return this.workdir;
	}

	/**
	 * Sets the directory relative paths and commands start from.
	 * @param workdir the absolute directory
	 */
	public void setWorkdir(String workdir) {
		this.workdir = workdir;
	}

	/**
	 * Returns how long a sandbox may stay unused.
	 * @return the idle timeout
	 */
	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Sets how long a sandbox may stay unused.
	 * @param idleTimeout the idle timeout
	 */
	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	/**
	 * Returns the most sandboxes running at once.
	 * @return the limit
	 */
	public int getMaxSandboxes() {
		return this.maxSandboxes;
	}

	/**
	 * Sets the most sandboxes running at once.
	 * @param maxSandboxes the limit
	 */
	public void setMaxSandboxes(int maxSandboxes) {
		this.maxSandboxes = maxSandboxes;
	}

	/**
	 * Returns the most characters of each output stream returned.
	 * @return the limit
	 */
	public DataSize getMaxOutput() {
		return this.maxOutput;
	}

	/**
	 * Sets the most characters of each output stream returned.
	 * @param maxOutput the limit
	 */
	public void setMaxOutput(DataSize maxOutput) {
		this.maxOutput = maxOutput;
	}

	/**
	 * Returns the largest file the read tool returns.
	 * @return the limit
	 */
	public DataSize getMaxFileSize() {
		return this.maxFileSize;
	}

	/**
	 * Sets the largest file the read tool returns.
	 * @param maxFileSize the limit
	 */
	public void setMaxFileSize(DataSize maxFileSize) {
		this.maxFileSize = maxFileSize;
	}

	/**
	 * Returns the longest time a command may run.
	 * @return the timeout
	 */
	public Duration getCallTimeout() {
		return this.callTimeout;
	}

	/**
	 * Sets the longest time a command may run.
	 * @param callTimeout the timeout
	 */
	public void setCallTimeout(Duration callTimeout) {
		this.callTimeout = callTimeout;
	}

}
