/**
 * The implementation of the execs namespace: calls, the output stream's resume policy, the
 * output collector and the timeout of {@code run}. Not API: anything here may change without
 * notice.
 */
@NullMarked
package ai.together.sandbox.internal.execs;

import org.jspecify.annotations.NullMarked;
