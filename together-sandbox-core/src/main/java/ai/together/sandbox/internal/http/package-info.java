/**
 * The HTTP engine of a client: the transport over one {@code WebClient} (timeouts, close,
 * observations), one call as it is sent ({@code ApiCall}), the retry engine, the mapping of
 * failed responses to {@code HttpException} and the per-client context (credentials, origin).
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.http;

import org.jspecify.annotations.NullMarked;
