/**
 * The sandbox agent API: one sandbox's agent connection (which builds each agent call) and its
 * server-sent-event streams, which the namespaces of the root package call through.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.agent;

import org.jspecify.annotations.NullMarked;
