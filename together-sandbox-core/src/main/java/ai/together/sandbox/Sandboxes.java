package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.internal.util.Blocking;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;

/**
 * Sandbox lifecycle through the management API, in the blocking style: the blocking view of
 * {@link ReactiveSandboxes}. Obtain it from {@code TogetherSandbox.sandboxes()}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Sandboxes {

	private final ReactiveSandboxes reactive;

	Sandboxes(ReactiveSandboxes reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Creates a sandbox record from a snapshot. Does not start the VM: call {@link #start(String)}
	 * with the returned id afterwards.
	 * @param request what to create
	 * @return the created sandbox (status {@code created})
	 */
	public SandboxInfo create(CreateSandboxRequest request) {
		return Blocking.value(this.reactive.create(request));
	}

	/**
	 * Starts the VM of a sandbox, waits until it runs and connects to it.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 */
	public Sandbox start(String sandboxId) {
		return Blocking.value(this.reactive.start(sandboxId)).blocking();
	}

	/**
	 * Starts a specific VM version of a sandbox, waits until it runs and connects to it.
	 * @param sandboxId the sandbox id
	 * @param versionNumber the VM version to start, at least 1
	 * @return the connected sandbox
	 */
	public Sandbox start(String sandboxId, int versionNumber) {
		return Blocking.value(this.reactive.start(sandboxId, versionNumber)).blocking();
	}

	/**
	 * Reattaches to a sandbox that is already running, without starting it again: gets the
	 * sandbox once for its agent connection details. Closing the returned sandbox does not stop
	 * it either.
	 * @param sandboxId the sandbox id
	 * @return the connected sandbox
	 * @throws ai.together.sandbox.errors.SandboxLifecycleException when the sandbox is not
	 * running or has no agent connection details: start it with {@link #start(String)}
	 */
	public Sandbox connect(String sandboxId) {
		return Blocking.value(this.reactive.connect(sandboxId)).blocking();
	}

	/**
	 * Reattaches to a running sandbox from what the management API reported about it, without
	 * any I/O and without starting it again. Closing the returned sandbox does not stop it.
	 * @param info the sandbox, with status {@code running} and its agent URL and token
	 * @return the connected sandbox
	 * @throws ai.together.sandbox.errors.SandboxLifecycleException when the sandbox is not
	 * running or has no agent connection details: start it with {@link #start(String)}
	 */
	public Sandbox connect(SandboxInfo info) {
		return this.reactive.connect(info).blocking();
	}

	/**
	 * Hibernates a sandbox and waits until it has stopped.
	 * @param sandboxId the sandbox id
	 * @return the settled sandbox
	 */
	public SandboxInfo hibernate(String sandboxId) {
		return Blocking.value(this.reactive.hibernate(sandboxId));
	}

	/**
	 * Shuts a sandbox down and waits until it has stopped.
	 * @param sandboxId the sandbox id
	 * @return the settled sandbox
	 */
	public SandboxInfo shutdown(String sandboxId) {
		return Blocking.value(this.reactive.shutdown(sandboxId));
	}

	/**
	 * Gets a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox
	 */
	public SandboxInfo get(String sandboxId) {
		return Blocking.value(this.reactive.get(sandboxId));
	}

	/**
	 * Lists the sandboxes of the API key's project.
	 * @return the sandboxes
	 */
	public List<SandboxInfo> list() {
		return Blocking.value(this.reactive.list().collectList());
	}

	/**
	 * Deletes a sandbox.
	 * @param sandboxId the sandbox id
	 */
	public void delete(String sandboxId) {
		Blocking.await(this.reactive.delete(sandboxId));
	}

	/**
	 * Returns the reactive namespace this view blocks on.
	 * @return the reactive namespace
	 */
	public ReactiveSandboxes reactive() {
		return this.reactive;
	}

}
