package ai.together.sandbox.sample;

import java.util.Objects;

import ai.together.sandbox.current.SandboxSpec;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;

/**
 * Turns the starter's sandbox request ({@code together.sandbox.defaults.*}, a seed
 * {@link CreateSandboxRequest}) into the spec of the current API generation, so that the sample
 * creates the same sandboxes on either.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxSpecs {

	private SandboxSpecs() {
	}

	/**
	 * Returns the current-generation spec of a request: same snapshot (alias or id), CPU and
	 * memory. The seed's disk size and ephemeral flag have no counterpart there.
	 * @param request the request of the seed generation
	 * @return the spec for {@code sdk.current().sandboxes().create}
	 */
	public static SandboxSpec current(CreateSandboxRequest request) {
		String alias = request.snapshotAlias();
		SandboxSpec.Builder spec = (alias != null) ? SandboxSpec.fromSnapshotAlias(alias)
				: SandboxSpec.fromSnapshotId(Objects.requireNonNull(request.snapshotId(), "snapshot id or alias"));
		return spec.cpu(request.millicpu() / 1000.0).memoryBytes(request.memoryBytes()).build();
	}

}
