/**
 * The models of snapshots: the parameters of creating one from a public image or a Docker build
 * context (built by the remote image builder, or by the local Docker daemon), the result and
 * progress of a creation, its build exception, the snapshot as the API reports it and the
 * registry credential. The namespace itself is {@link ai.together.sandbox.Snapshots} /
 * {@link ai.together.sandbox.ReactiveSnapshots}. A snapshot is what {@code sandboxes().create(…)}
 * creates a sandbox from.
 */
@NullMarked
package ai.together.sandbox.snapshots;

import org.jspecify.annotations.NullMarked;
