package ai.together.sandbox.internal.agent;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.ReactiveSandboxDirectories;
import ai.together.sandbox.files.SandboxDirectories;

/**
 * The client's {@link SandboxDirectories}: blocks once on the reactive namespace per call.
 */
public final class DefaultSandboxDirectories implements SandboxDirectories {

	private final ReactiveSandboxDirectories reactive;

	/**
	 * Creates the blocking view; applications get it from the sandbox.
	 * @param reactive the reactive namespace
	 */
	public DefaultSandboxDirectories(ReactiveSandboxDirectories reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	@Override
	public List<FileInfo> list(String path) {
		return Objects.requireNonNull(this.reactive.list(path).collectList().block());
	}

	@Override
	public void create(String path) {
		this.reactive.create(path).block();
	}

	@Override
	public void delete(String path) {
		this.reactive.delete(path).block();
	}

	@Override
	public ReactiveSandboxDirectories reactive() {
		return this.reactive;
	}

}
