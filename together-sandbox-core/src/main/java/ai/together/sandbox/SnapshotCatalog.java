package ai.together.sandbox;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import ai.together.sandbox.current.SnapshotAlias;
import ai.together.sandbox.current.SnapshotDetails;
import ai.together.sandbox.current.SnapshotFilter;
import ai.together.sandbox.current.SnapshotSpec;
import ai.together.sandbox.internal.util.Blocking;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotProgress;
import org.jspecify.annotations.Nullable;

/**
 * The snapshots of the current API generation ({@code /v1}), in the blocking style: obtain it
 * from {@code sdk.current().snapshots()}. The blocking view of {@link ReactiveSnapshotCatalog};
 * see there for operation names and retries.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SnapshotCatalog {

	private final ReactiveSnapshotCatalog reactive;

	SnapshotCatalog(ReactiveSnapshotCatalog reactive) {
		this.reactive = Objects.requireNonNull(reactive, "reactive");
	}

	/**
	 * Creates a snapshot of a container image through the remote image builder, registers it and
	 * aliases it; see {@link ReactiveSnapshotCatalog#create(SnapshotSpec, String, Consumer)}.
	 * @param spec the image to start from and the snapshot's settings
	 * @param alias the alias, or {@code null}
	 * @param onProgress receives each step, or {@code null}
	 * @return the snapshot
	 */
	public SnapshotDetails create(SnapshotSpec spec, @Nullable String alias,
			@Nullable Consumer<SnapshotProgress> onProgress) {
		return Blocking.value(this.reactive.create(spec, alias, onProgress));
	}

	/**
	 * Creates a snapshot from a Docker build context, registers it and aliases it; see
	 * {@link ReactiveSnapshotCatalog#create(ContextSnapshotParams)}.
	 * @param params the context, Dockerfile, build mode, alias and progress consumer
	 * @return the snapshot
	 */
	public SnapshotDetails create(ContextSnapshotParams params) {
		return Blocking.value(this.reactive.create(params));
	}

	/**
	 * Registers a snapshot of a container image.
	 * @param spec the image and the snapshot's settings
	 * @return the snapshot
	 */
	public SnapshotDetails register(SnapshotSpec spec) {
		return Blocking.value(this.reactive.register(spec));
	}

	/**
	 * Registers a snapshot of an image and points an alias at it.
	 * @param spec the image and the snapshot's settings
	 * @param alias the alias
	 * @return the snapshot
	 */
	public SnapshotDetails register(SnapshotSpec spec, String alias) {
		return Blocking.value(this.reactive.register(spec, alias));
	}

	/**
	 * Gets a snapshot by id.
	 * @param snapshotId the snapshot id (a UUID)
	 * @return the snapshot
	 */
	public SnapshotDetails get(String snapshotId) {
		return Blocking.value(this.reactive.get(snapshotId));
	}

	/**
	 * Gets a snapshot by alias.
	 * @param alias the alias, for example {@code my-app@v1} or {@code sandbox:<id>}
	 * @return the snapshot
	 */
	public SnapshotDetails getByAlias(String alias) {
		return Blocking.value(this.reactive.getByAlias(alias));
	}

	/**
	 * Lists the first page of the project's snapshots; iterating the page walks all pages.
	 * @return the first page
	 */
	public Page<SnapshotDetails> list() {
		return list(SnapshotFilter.all());
	}

	/**
	 * Lists a page of the project's snapshots matching a filter.
	 * @param filter the filter, page size and cursor
	 * @return the page
	 */
	public Page<SnapshotDetails> list(SnapshotFilter filter) {
		return Blocking.value(this.reactive.list(filter)).blocking();
	}

	/**
	 * Gets several snapshots in one request.
	 * @param snapshotIds 1 to 100 distinct snapshot ids
	 * @return the snapshots found, in the order asked for
	 */
	public List<SnapshotDetails> batchGet(List<String> snapshotIds) {
		return Blocking.value(this.reactive.batchGet(snapshotIds));
	}

	/**
	 * Retires a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the retired snapshot
	 */
	public SnapshotDetails retire(String snapshotId) {
		return Blocking.value(this.reactive.retire(snapshotId));
	}

	/**
	 * Lists the aliases of a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the aliases
	 */
	public List<SnapshotAlias> aliases(String snapshotId) {
		return Blocking.value(this.reactive.aliases(snapshotId));
	}

	/**
	 * Points an alias at a snapshot (an upsert).
	 * @param snapshotId the snapshot id
	 * @param alias the alias
	 */
	public void alias(String snapshotId, String alias) {
		Blocking.await(this.reactive.alias(snapshotId, alias));
	}

	/**
	 * Deletes an alias; deleting one that does not exist succeeds too.
	 * @param alias the alias name, without a leading {@code @}
	 */
	public void deleteAlias(String alias) {
		Blocking.await(this.reactive.deleteAlias(alias));
	}

	/**
	 * Issues a short-lived credential for the project's container registry.
	 * @return the credential
	 */
	public ContainerRegistryCredential issueRegistryCredential() {
		return Blocking.value(this.reactive.issueRegistryCredential());
	}

	/**
	 * Returns the reactive namespace this view blocks on.
	 * @return the reactive namespace
	 */
	public ReactiveSnapshotCatalog reactive() {
		return this.reactive;
	}

}
