/**
 * The orchestration of the execs namespace: the output stream's resume policy
 * ({@code OutputResume}) and {@code run} ({@code ExecRun}: its output collector and its timeout
 * kill). The calls themselves are the namespace's, passed in as functions, so that each is
 * defined once. Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.execs;

import org.jspecify.annotations.NullMarked;
