/**
 * Snapshots: create them from a public image or a Docker build context (built by the remote
 * image builder, or by the local Docker daemon), give them aliases, get, list and delete them.
 * A snapshot is what {@code sandboxes().create(…)} creates a sandbox from.
 */
@NullMarked
package ai.together.sandbox.snapshots;

import org.jspecify.annotations.NullMarked;
