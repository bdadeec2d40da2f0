/**
 * The sandbox agent API: one sandbox's agent connection and streams, and the implementations
 * of the files, directories and ports namespaces.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.agent;

import org.jspecify.annotations.NullMarked;
