package ai.together.sandbox.internal.agent;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.ReactiveSandboxFiles;
import ai.together.sandbox.files.SandboxFiles;
import ai.together.sandbox.files.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * The client's {@link SandboxFiles}: blocks once on the reactive namespace per call.
 */
public final class DefaultSandboxFiles implements SandboxFiles {

	private final ReactiveSandboxFiles reactive;

	/**
	 * Creates the blocking view; applications get it from the sandbox.
	 * @param reactive the reactive namespace
	 */
	public DefaultSandboxFiles(ReactiveSandboxFiles reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	@Override
	public String read(String path) {
		return Objects.requireNonNull(this.reactive.read(path).block());
	}

	@Override
	public byte[] readBytes(String path) {
		return Objects.requireNonNull(this.reactive.readBytes(path).block());
	}

	@Override
	public FileContent readContent(String path) {
		return Objects.requireNonNull(this.reactive.readContent(path).block());
	}

	@Override
	public FileContent create(String path, String content) {
		return Objects.requireNonNull(this.reactive.create(path, content).block());
	}

	@Override
	public FileContent create(String path, byte[] content) {
		return Objects.requireNonNull(this.reactive.create(path, content).block());
	}

	@Override
	public void delete(String path) {
		this.reactive.delete(path).block();
	}

	@Override
	public void move(String from, String to) {
		this.reactive.move(from, to).block();
	}

	@Override
	public void copy(String from, String to) {
		this.reactive.copy(from, to).block();
	}

	@Override
	public FileInfo stat(String path) {
		return Objects.requireNonNull(this.reactive.stat(path).block());
	}

	@Override
	public StreamResponse<WatchEvent> watch(String path) {
		return StreamResponse.of(this.reactive.watch(path));
	}

	@Override
	public StreamResponse<WatchEvent> watch(String path, @Nullable Boolean recursive,
			@Nullable List<String> ignorePatterns) {
		return StreamResponse.of(this.reactive.watch(path, recursive, ignorePatterns));
	}

	@Override
	public ReactiveSandboxFiles reactive() {
		return this.reactive;
	}

}
