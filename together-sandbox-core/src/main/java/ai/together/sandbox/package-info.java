/**
 * Entry points of the Together Sandbox Java client: {@link ai.together.sandbox.TogetherSandbox}
 * (blocking) and {@link ai.together.sandbox.ReactiveTogetherSandbox} (Reactor), the sandbox
 * lifecycle ({@link ai.together.sandbox.Sandboxes}) and the connected
 * {@link ai.together.sandbox.Sandbox}. This package wires the client together; what it reports
 * and takes lives in the packages below it ({@code errors}, {@code retry}, {@code core} and one
 * package per resource), so that nothing there depends back on it.
 */
@NullMarked
package ai.together.sandbox;

import org.jspecify.annotations.NullMarked;
