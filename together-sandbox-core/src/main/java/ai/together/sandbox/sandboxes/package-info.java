/**
 * Sandbox lifecycle: create, start, hibernate, shut down, get, list and delete sandboxes through
 * the management API, and the models the API returns.
 */
@NullMarked
package ai.together.sandbox.sandboxes;

import org.jspecify.annotations.NullMarked;
