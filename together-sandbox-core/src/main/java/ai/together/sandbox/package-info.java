/**
 * Entry points of the Together Sandbox Java client: {@link ai.together.sandbox.TogetherSandbox}
 * (blocking) and {@link ai.together.sandbox.ReactiveTogetherSandbox} (Reactor), the sandbox
 * lifecycle ({@link ai.together.sandbox.Sandboxes}), the connected
 * {@link ai.together.sandbox.Sandbox}, and every namespace in both styles: files
 * ({@link ai.together.sandbox.SandboxFiles}), directories
 * ({@link ai.together.sandbox.SandboxDirectories}), execs ({@link ai.together.sandbox.SandboxExecs}),
 * ports ({@link ai.together.sandbox.SandboxPorts}) and snapshots
 * ({@link ai.together.sandbox.Snapshots}), each with its {@code Reactive} counterpart.
 * <p>
 * This package wires the client together: each reactive namespace checks its arguments, builds
 * its calls (operation name, method, encoded path, body) and hands them to the internal
 * transport; each blocking one waits on its reactive one. What they report and take lives in the
 * packages below it ({@code errors}, {@code retry}, {@code core} and one model package per
 * resource), so that nothing there depends back on it.
 */
@NullMarked
package ai.together.sandbox;

import org.jspecify.annotations.NullMarked;
