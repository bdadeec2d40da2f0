/**
 * Testcontainers support: {@code @ServiceConnection} for a container running the Together Sandbox
 * emulator.
 */
@NullMarked
package ai.together.sandbox.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
