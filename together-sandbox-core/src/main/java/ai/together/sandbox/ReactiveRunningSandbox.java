package ai.together.sandbox;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.together.sandbox.current.SandboxDetails;
import ai.together.sandbox.current.Termination;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.agent.AgentDialect;
import ai.together.sandbox.internal.agent.AgentStreams;
import ai.together.sandbox.internal.http.ClientContext;
import reactor.core.publisher.Mono;

/**
 * A running sandbox of the current API generation, connected to its agent, in the reactive
 * style: returned by {@code sdk.current().sandboxes().create(..)} and {@code connect(..)}. Its
 * files, directories, execs and ports are the same namespaces as a seed {@link ReactiveSandbox}'s;
 * only the exec calls that differ between the two agent APIs (creating and starting an exec) take
 * this sandbox's form, and operation names carry the {@code sandbox.} prefix.
 * <p>
 * {@link #close()} releases what this handle holds on the client side; it never terminates the
 * sandbox: call {@link #terminate()} for that.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveRunningSandbox implements AutoCloseable {

	private final ReactiveSandboxFleet fleet;

	private final SandboxDetails details;

	private final AgentStreams streams;

	private final ReactiveSandboxFiles files;

	private final ReactiveSandboxDirectories directories;

	private final ReactiveSandboxExecs execs;

	private final ReactiveSandboxPorts ports;

	private final AtomicBoolean closed = new AtomicBoolean();

	ReactiveRunningSandbox(ReactiveSandboxFleet fleet, ClientContext context, SandboxDetails details) {
		this.fleet = Objects.requireNonNull(fleet, "fleet");
		this.details = details;
		AgentConnection agent = new AgentConnection(details.id(), Objects.requireNonNull(details.agent().url()),
				Objects.requireNonNull(details.agent().token()), context.transport(), AgentDialect.CURRENT);
		this.streams = new AgentStreams(agent);
		this.files = new ReactiveSandboxFiles(agent, this.streams);
		this.directories = new ReactiveSandboxDirectories(agent);
		this.execs = new ReactiveSandboxExecs(agent, this.streams);
		this.ports = new ReactiveSandboxPorts(agent, this.streams);
	}

	/**
	 * Returns the sandbox id.
	 * @return the id (a UUID)
	 */
	public String id() {
		return this.details.id();
	}

	/**
	 * Returns the sandbox as it was when this handle connected: the create (or wait) answer, or
	 * what {@code connect} was given.
	 * @return the details
	 */
	public SandboxDetails details() {
		return this.details;
	}

	/**
	 * Terminates this sandbox as its termination policy says and waits until it has terminated.
	 * @return the terminated sandbox
	 */
	public Mono<SandboxDetails> terminate() {
		return this.fleet.terminate(id());
	}

	/**
	 * Terminates this sandbox and waits until it has terminated.
	 * @param termination whether to snapshot: as configured, without or with a snapshot
	 * @return the terminated sandbox
	 */
	public Mono<SandboxDetails> terminate(Termination termination) {
		return this.fleet.terminate(id(), termination);
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
	 * Commands: create, start, list, get, delete, output, input, run.
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
	public RunningSandbox blocking() {
		return new RunningSandbox(this);
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
	 * connections). Does not terminate the sandbox.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.streams.close();
		}
	}

	@Override
	public String toString() {
		return "ReactiveRunningSandbox[id=" + id() + ", agentUrl=" + this.details.agent().url() + "]";
	}

}
