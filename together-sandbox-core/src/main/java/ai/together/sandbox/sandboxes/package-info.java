/**
 * The models of the sandbox lifecycle: the create request, the sandbox as the management API
 * reports it, and its statuses, start and stop types. The lifecycle itself is
 * {@link ai.together.sandbox.Sandboxes} / {@link ai.together.sandbox.ReactiveSandboxes}.
 */
@NullMarked
package ai.together.sandbox.sandboxes;

import org.jspecify.annotations.NullMarked;
