/**
 * The models of commands ("execs") of a connected sandbox: the request, the exec, its output
 * messages, the result of {@code run} and its timeout exception. The namespace itself is
 * {@link ai.together.sandbox.SandboxExecs} / {@link ai.together.sandbox.ReactiveSandboxExecs},
 * from {@code sandbox.execs()}.
 * <p>
 * Output is a sequence of {@link ai.together.sandbox.execs.ExecOutput} messages with increasing
 * {@code sequence} numbers; the message carrying an {@code exitCode} is the last one.
 */
@NullMarked
package ai.together.sandbox.execs;

import org.jspecify.annotations.NullMarked;
