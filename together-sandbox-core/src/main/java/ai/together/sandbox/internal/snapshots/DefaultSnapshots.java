package ai.together.sandbox.internal.snapshots;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.CreateSnapshotResult;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.snapshots.ReactiveSnapshots;
import ai.together.sandbox.snapshots.SnapshotInfo;
import ai.together.sandbox.snapshots.Snapshots;

/**
 * The client's {@link Snapshots}: blocks once on the reactive namespace per call.
 */
public final class DefaultSnapshots implements Snapshots {

	private final ReactiveSnapshots reactive;

	/**
	 * Creates the blocking view; applications get it from the client.
	 * @param reactive the reactive namespace
	 */
	public DefaultSnapshots(ReactiveSnapshots reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	@Override
	public CreateSnapshotResult create(ImageSnapshotParams params) {
		return Objects.requireNonNull(this.reactive.create(params).block());
	}

	@Override
	public CreateSnapshotResult create(ContextSnapshotParams params) {
		return Objects.requireNonNull(this.reactive.create(params).block());
	}

	@Override
	public void alias(String snapshotId, String alias) {
		this.reactive.alias(snapshotId, alias).block();
	}

	@Override
	public SnapshotInfo getById(String snapshotId) {
		return Objects.requireNonNull(this.reactive.getById(snapshotId).block());
	}

	@Override
	public SnapshotInfo getByAlias(String alias) {
		return Objects.requireNonNull(this.reactive.getByAlias(alias).block());
	}

	@Override
	public List<SnapshotInfo> list() {
		return Objects.requireNonNull(this.reactive.list().collectList().block());
	}

	@Override
	public void deleteById(String snapshotId) {
		this.reactive.deleteById(snapshotId).block();
	}

	@Override
	public void deleteByAlias(String alias) {
		this.reactive.deleteByAlias(alias).block();
	}

	@Override
	public ContainerRegistryCredential issueRegistryCredential() {
		return Objects.requireNonNull(this.reactive.issueRegistryCredential().block());
	}

	@Override
	public ReactiveSnapshots reactive() {
		return this.reactive;
	}

}
