/**
 * Commands ("execs") of a connected sandbox, through its agent API: create, list, get, resume
 * and delete execs, read and stream their output, send them input, and {@code run} a command to
 * completion. Obtain the namespace from {@code sandbox.execs()}.
 * <p>
 * Output is a sequence of {@link ai.together.sandbox.execs.ExecOutput} messages with increasing
 * {@code sequence} numbers; the message carrying an {@code exitCode} is the last one.
 */
@NullMarked
package ai.together.sandbox.execs;

import org.jspecify.annotations.NullMarked;
