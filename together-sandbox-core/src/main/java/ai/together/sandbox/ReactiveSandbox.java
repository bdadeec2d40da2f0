package ai.together.sandbox;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A connected, running sandbox in the reactive style, returned by
 * {@link ReactiveSandboxes#start(String)} and {@link ReactiveSandboxes#connect(String)}. It talks
 * to the sandbox's agent API with the agent token the management API reported.
 * <p>
 * {@link #close()} releases what this handle holds on the client side; it never stops the VM:
 * call {@link #shutdown()} or {@link #hibernate()} for that.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandbox implements AutoCloseable {

	private final ReactiveSandboxes sandboxes;

	private final SandboxInfo vmInfo;

	private final AgentConnection agent;

	private final AgentStreams streams;

	private final ReactiveSandboxFiles files;

	private final ReactiveSandboxDirectories directories;

	private final ReactiveSandboxExecs execs;

	private final ReactiveSandboxPorts ports;

	private final @Nullable AutoCloseable owner;

	private final AtomicBoolean closed = new AtomicBoolean();

	ReactiveSandbox(ReactiveSandboxes sandboxes, ClientContext context, SandboxInfo vmInfo,
			@Nullable AutoCloseable owner) {
		this.sandboxes = sandboxes;
		this.vmInfo = vmInfo;
		this.agent = new AgentConnection(vmInfo.id(), Objects.requireNonNull(vmInfo.agentUrl()),
				Objects.requireNonNull(vmInfo.agentToken()), context.transport());
		this.streams = new AgentStreams(this.agent);
		this.files = new ReactiveSandboxFiles(this.agent, this.streams);
		this.directories = new ReactiveSandboxDirectories(this.agent);
		this.execs = new ReactiveSandboxExecs(this.agent, this.streams);
		this.ports = new ReactiveSandboxPorts(this.agent, this.streams);
		this.owner = owner;
	}

	/**
	 * Starts a sandbox with a client of its own (from the API key, {@code TOGETHER_BASE_URL} or
	 * the default base URL), which is closed when the sandbox is closed.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @return the connected sandbox
	 */
	public static Mono<ReactiveSandbox> start(String sandboxId, @Nullable String apiKey) {
		return start(sandboxId, apiKey, null);
	}

	/**
	 * Starts a sandbox with a client of its own, which is closed when the sandbox is closed.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null} for {@code TOGETHER_BASE_URL} or
	 * the default
	 * @return the connected sandbox
	 */
	public static Mono<ReactiveSandbox> start(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		Args.sandboxId(sandboxId, "sandboxId");
		return Mono.defer(() -> {
			ReactiveTogetherSandbox client = oneOff(apiKey, baseUrl);
			// On success the sandbox owns the client and closes it with itself.
			return client.sandboxes()
				.start(sandboxId, null, client)
				.doOnError((error) -> client.close())
				.doOnCancel(client::close);
		});
	}

	/**
	 * Hibernates a sandbox with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null}
	 * @return the settled sandbox
	 */
	public static Mono<SandboxInfo> hibernate(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		// Validate when called, like every other method, not only once subscribed.
		Args.sandboxId(sandboxId, "sandboxId");
		return Mono.using(() -> oneOff(apiKey, baseUrl), (client) -> client.sandboxes().hibernate(sandboxId),
				ReactiveTogetherSandbox::close);
	}

	/**
	 * Shuts a sandbox down with a one-off client.
	 * @param sandboxId the sandbox id
	 * @param apiKey the API key, or {@code null} to read {@code TOGETHER_API_KEY}
	 * @param baseUrl the management base URL, or {@code null}
	 * @return the settled sandbox
	 */
	public static Mono<SandboxInfo> shutdown(String sandboxId, @Nullable String apiKey, @Nullable String baseUrl) {
		// Validate when called, like every other method, not only once subscribed.
		Args.sandboxId(sandboxId, "sandboxId");
		return Mono.using(() -> oneOff(apiKey, baseUrl), (client) -> client.sandboxes().shutdown(sandboxId),
				ReactiveTogetherSandbox::close);
	}

	private static ReactiveTogetherSandbox oneOff(@Nullable String apiKey, @Nullable String baseUrl) {
		return ReactiveTogetherSandbox.builder().apiKey(apiKey).baseUrl(baseUrl).build();
	}

	/**
	 * Returns the sandbox id.
	 * @return the id
	 */
	public String id() {
		return this.vmInfo.id();
	}

	/**
	 * Returns the sandbox as it was when it settled after the start (the {@code wait} response),
	 * or as reported when this handle connected to it.
	 * @return the VM info
	 */
	public SandboxInfo vmInfo() {
		return this.vmInfo;
	}

	/**
	 * Hibernates this sandbox and waits until it has stopped.
	 * @return the settled sandbox
	 */
	public Mono<SandboxInfo> hibernate() {
		return this.sandboxes.hibernate(id());
	}

	/**
	 * Shuts this sandbox down and waits until it has stopped.
	 * @return the settled sandbox
	 */
	public Mono<SandboxInfo> shutdown() {
		return this.sandboxes.shutdown(id());
	}

	/**
	 * File operations: read, create, delete, move, copy, stat, watch.
	 * @return the files namespace
	 */
	public ReactiveSandboxFiles files() {
		return this.files;
	}

	/**
	 * Directory operations: list, create, delete.
	 * @return the directories namespace
	 */
	public ReactiveSandboxDirectories directories() {
		return this.directories;
	}

	/**
	 * Commands: create, list, get, resume, delete, output, input, run.
	 * @return the execs namespace
	 */
	public ReactiveSandboxExecs execs() {
		return this.execs;
	}

	/**
	 * Open ports: list, stream.
	 * @return the ports namespace
	 */
	public ReactiveSandboxPorts ports() {
		return this.ports;
	}

	/**
	 * Returns the blocking view of this sandbox (same connection).
	 * @return the blocking sandbox
	 */
	public Sandbox blocking() {
		return new Sandbox(this);
	}

	/**
	 * Returns the agent connection of this sandbox; not API.
	 * @return the agent connection
	 */
	AgentConnection agent() {
		return this.agent;
	}

	/**
	 * Whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * Releases the client-side resources of this handle: ends its open streams (closing their
	 * connections). Does not stop the VM.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.streams.close();
			if (this.owner != null) {
				try {
					this.owner.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException("Failed to close the client of sandbox " + id(), ex);
				}
			}
		}
	}

	@Override
	public String toString() {
		return "ReactiveSandbox[id=" + id() + ", agentUrl=" + this.vmInfo.agentUrl() + "]";
	}

}
