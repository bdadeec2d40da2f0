package ai.together.sandbox.internal.execs;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ReactiveSandboxExecs;
import ai.together.sandbox.execs.SandboxExecs;
import org.jspecify.annotations.Nullable;

/**
 * The client's {@link SandboxExecs}: blocks once on the reactive namespace per call.
 */
public final class DefaultSandboxExecs implements SandboxExecs {

	private final ReactiveSandboxExecs reactive;

	/**
	 * Creates the blocking view; applications get it from the sandbox.
	 * @param reactive the reactive namespace
	 */
	public DefaultSandboxExecs(ReactiveSandboxExecs reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	@Override
	public List<ExecItem> list() {
		return Objects.requireNonNull(this.reactive.list().collectList().block());
	}

	@Override
	public ExecItem create(ExecRequest request) {
		return Objects.requireNonNull(this.reactive.create(request).block());
	}

	@Override
	public ExecItem get(String id) {
		return Objects.requireNonNull(this.reactive.get(id).block());
	}

	@Override
	public ExecItem resume(String id) {
		return Objects.requireNonNull(this.reactive.resume(id).block());
	}

	@Override
	public void delete(String id) {
		this.reactive.delete(id).block();
	}

	@Override
	public List<ExecOutput> getOutput(String id) {
		return getOutput(id, null);
	}

	@Override
	public List<ExecOutput> getOutput(String id, @Nullable Integer lastSequence) {
		return Objects.requireNonNull(this.reactive.getOutput(id, lastSequence).collectList().block());
	}

	@Override
	public StreamResponse<ExecOutput> streamOutput(String id) {
		return streamOutput(id, null);
	}

	@Override
	public StreamResponse<ExecOutput> streamOutput(String id, @Nullable Integer lastSequence) {
		return StreamResponse.of(this.reactive.streamOutput(id, lastSequence));
	}

	@Override
	public ExecItem sendStdin(String id, String data) {
		return Objects.requireNonNull(this.reactive.sendStdin(id, data).block());
	}

	@Override
	public ExecItem resize(String id, int cols, int rows) {
		return Objects.requireNonNull(this.reactive.resize(id, cols, rows).block());
	}

	@Override
	public StreamResponse<List<ExecItem>> streamList() {
		return StreamResponse.of(this.reactive.streamList());
	}

	@Override
	public ExecResult run(ExecRequest request) {
		return Objects.requireNonNull(this.reactive.run(request).block());
	}

	@Override
	public ExecResult run(ExecRequest request, Duration timeout) {
		return Objects.requireNonNull(this.reactive.run(request, timeout).block());
	}

	@Override
	public ReactiveSandboxExecs reactive() {
		return this.reactive;
	}

}
