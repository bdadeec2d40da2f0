/**
 * Types shared by every resource package: {@link ai.together.sandbox.core.ApiValue}, the base of
 * the string-backed values that tolerate values this client does not know yet, and
 * {@link ai.together.sandbox.core.StreamResponse}, a blocking stream of server-sent events.
 */
@NullMarked
package ai.together.sandbox.core;

import org.jspecify.annotations.NullMarked;
