/**
 * The models of the current API generation of Together Sandbox (management API under
 * {@code /v1}, upstream 3.2.0 and later): sandboxes created running and terminated with an
 * optional snapshot, their statuses and reasons, list filters, snapshots and aliases. The
 * operations are {@link ai.together.sandbox.SandboxFleet} / {@link ai.together.sandbox.ReactiveSandboxFleet}
 * and {@link ai.together.sandbox.SnapshotCatalog} / {@link ai.together.sandbox.ReactiveSnapshotCatalog},
 * reached through {@code sdk.current()}.
 */
@NullMarked
package ai.together.sandbox.current;

import org.jspecify.annotations.NullMarked;
