package ai.together.sandbox;

import java.util.Objects;

import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.Termination;
import ai.together.sandbox.internal.util.Blocking;

/**
 * A running sandbox of the current API generation, connected to its agent, in the blocking
 * style: returned by {@code sdk.current().sandboxes().create(..)} and {@code connect(..)}. The
 * blocking view of a {@link ReactiveRunningSandbox}; its namespaces are the same as a seed
 * {@link Sandbox}'s.
 * <pre>{@code
 * try (RunningSandbox sandbox = sdk.current().sandboxes().create(SandboxSpec.fromSnapshotAlias("my-app@v1").build())) {
 *     sandbox.execs().run(ExecRequest.of("npm", "test"));
 *     sandbox.terminate(Termination.withoutSnapshot());
 * }
 * }</pre>
 * {@link #close()} never terminates the sandbox.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class RunningSandbox implements AutoCloseable {

	private final ReactiveRunningSandbox reactive;

	private final SandboxFiles files;

	private final SandboxDirectories directories;

	private final SandboxExecs execs;

	private final SandboxPorts ports;

	RunningSandbox(ReactiveRunningSandbox reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
		this.files = new SandboxFiles(reactive.files());
		this.directories = new SandboxDirectories(reactive.directories());
		this.execs = new SandboxExecs(reactive.execs());
		this.ports = new SandboxPorts(reactive.ports());
	}

	/**
	 * Returns the sandbox id.
	 * @return the id (a UUID)
	 */
	public String id() {
		return this.reactive.id();
	}

	/**
	 * Returns the sandbox as it was when this handle connected.
	 * @return the details
	 */
	public SandboxDetails details() {
		return this.reactive.details();
	}

	/**
	 * Terminates this sandbox as its termination policy says and waits until it has terminated.
	 * @return the terminated sandbox
	 */
	public SandboxDetails terminate() {
		return Blocking.value(this.reactive.terminate());
	}

	/**
	 * Terminates this sandbox and waits until it has terminated.
	 * @param termination whether to snapshot: as configured, without or with a snapshot
	 * @return the terminated sandbox
	 */
	public SandboxDetails terminate(Termination termination) {
		return Blocking.value(this.reactive.terminate(termination));
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
	 * Commands: create, start, list, get, delete, output, input, run.
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
	 * Returns the reactive sandbox this view blocks on.
	 * @return the reactive sandbox
	 */
	public ReactiveRunningSandbox reactive() {
		return this.reactive;
	}

	/**
	 * Releases the client-side resources of this handle; does not terminate the sandbox.
	 */
	@Override
	public void close() {
		this.reactive.close();
	}

	@Override
	public String toString() {
		return "RunningSandbox[id=" + id() + ", agentUrl=" + details().agent().url() + "]";
	}

}
