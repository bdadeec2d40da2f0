/**
 * Actuator health of the Together Sandbox client: the {@code togetherSandbox} health contributor,
 * which checks the management API and, optionally, configured sandboxes and their agents.
 */
@NullMarked
package ai.together.sandbox.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
