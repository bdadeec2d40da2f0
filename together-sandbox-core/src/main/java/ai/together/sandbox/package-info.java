/**
 * Entry points of the Together Sandbox Java client: {@link ai.together.sandbox.TogetherSandbox}
 * (blocking), {@link ai.together.sandbox.ReactiveTogetherSandbox} (Reactor), the connected
 * {@link ai.together.sandbox.Sandbox}, retry configuration and the exception hierarchy.
 */
@NullMarked
package ai.together.sandbox;

import org.jspecify.annotations.NullMarked;
