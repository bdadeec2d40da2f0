/**
 * The model of open ports of a connected sandbox. The namespace itself is
 * {@link ai.together.sandbox.SandboxPorts} / {@link ai.together.sandbox.ReactiveSandboxPorts},
 * from {@code sandbox.ports()}.
 */
@NullMarked
package ai.together.sandbox.ports;

import org.jspecify.annotations.NullMarked;
