/**
 * Implementation details of the client: HTTP transport, retry engine, error mapping, JSON and
 * path encoding. Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal;

import org.jspecify.annotations.NullMarked;
