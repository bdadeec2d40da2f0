package ai.together.sandbox;

import java.util.Objects;

import ai.together.sandbox.internal.util.Blocking;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.jspecify.annotations.Nullable;

/**
 * A connected, running sandbox in the blocking style, returned by
 * {@link Sandboxes#start(String)} and {@link Sandboxes#connect(String)}. The blocking view of a
 * {@link ReactiveSandbox}: both share one connection.
 * <p>
 * {@link #close()} releases what this handle holds on the client side; it never stops the VM:
 * call {@link #shutdown()} or {@link #hibernate()} for that. <pre>{@code
 * try (Sandbox sandbox = sdk.sandboxes().start("abc123")) {
 *     ...
 *     sandbox.shutdown();
 * }
 * }</pre>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Sandbox implements AutoCloseable {

	private final ReactiveSandbox reactive;

	private final SandboxFiles files;

	private final SandboxDirectories directories;

	private final SandboxExecs execs;

	private final SandboxPorts ports;

	Sandbox(ReactiveSandbox reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
		this.files = new SandboxFiles(reactive.files());
		this.directories = new SandboxDirectories(reactive.directories());
		this.execs = new SandboxExecs(reactive.execs());
		this.ports = new SandboxPorts(reactive.ports());
	}

	/**
	 * Starts a sandbox with a client of its own (API key from the argument or
	 * {@code TOGETHER_API_KEY}; base URL from {@code TOGETHER_BASE_URL} or the default), closed
	 * when the sandbox is closed.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @return the connected sandbox
	 */
	public static Sandbox start(String sandboxId, @Nullable String apiKey) {
		return start(sandboxId, apiKey, null);
	}

	/**
	 * Starts a sandbox with a client of its own, closed when the sandbox is closed.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null} for {@code TOGETHER_BASE_URL} or
	 * the default
	 * @return the connected sandbox
	 */
	public static Sandbox start(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		return Blocking.value(ReactiveSandbox.start(sandboxId, apiKey, baseUrl)).blocking();
	}

	/**
	 * Hibernates a sandbox with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @return the settled sandbox
	 */
	public static SandboxInfo hibernate(String sandboxId, @Nullable String apiKey) {
		return hibernate(sandboxId, apiKey, null);
	}

	/**
	 * Hibernates a sandbox with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null}
	 * @return the settled sandbox
	 */
	public static SandboxInfo hibernate(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		return Blocking.value(ReactiveSandbox.hibernate(sandboxId, apiKey, baseUrl));
	}

	/**
	 * Shuts a sandbox down with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @return the settled sandbox
	 */
	public static SandboxInfo shutdown(String sandboxId, @Nullable String apiKey) {
		return shutdown(sandboxId, apiKey, null);
	}

	/**
	 * Shuts a sandbox down with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null}
	 * @return the settled sandbox
	 */
	public static SandboxInfo shutdown(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		return Blocking.value(ReactiveSandbox.shutdown(sandboxId, apiKey, baseUrl));
	}

	/**
	 * Returns the sandbox id.
	 * @return the id
	 */
	public String id() {
		return this.reactive.id();
	}

	/**
	 * Returns the sandbox as it was when it settled after the start (the {@code wait} response),
	 * or as reported when this handle connected to it.
	 * @return the VM info
	 */
	public SandboxInfo vmInfo() {
		return this.reactive.vmInfo();
	}

	/**
	 * Hibernates this sandbox and waits until it has stopped.
	 * @return the settled sandbox
	 */
	public SandboxInfo hibernate() {
		return Blocking.value(this.reactive.hibernate());
	}

	/**
	 * Shuts this sandbox down and waits until it has stopped.
	 * @return the settled sandbox
	 */
	public SandboxInfo shutdown() {
		return Blocking.value(this.reactive.shutdown());
	}

	/**
	 * File operations: read, create, delete, move, copy, stat, watch.
	 * @return the files namespace
	 */
	public SandboxFiles files() {
		return this.files;
	}

	/**
	 * Directory operations: list, create, delete.
	 * @return the directories namespace
	 */
	public SandboxDirectories directories() {
		return this.directories;
	}

	/**
	 * Commands: create, list, get, resume, delete, output, input, run.
	 * @return the execs namespace
	 */
	public SandboxExecs execs() {
		return this.execs;
	}

	/**
	 * Open ports: list, stream.
	 * @return the ports namespace
	 */
	public SandboxPorts ports() {
		return this.ports;
	}

	/**
	 * Returns the reactive view of this sandbox (same connection).
	 * @return the reactive sandbox
	 */
	public ReactiveSandbox reactive() {
		return this.reactive;
	}

	/**
	 * Releases the client-side resources of this handle: ends its open streams (closing their
	 * connections). Does not stop the VM.
	 */
	@Override
	public void close() {
		this.reactive.close();
	}

	@Override
	public String toString() {
		return "Sandbox[id=" + id() + ", agentUrl=" + vmInfo().agentUrl() + "]";
	}

}
