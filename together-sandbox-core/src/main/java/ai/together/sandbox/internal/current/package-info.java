/**
 * Internals of the current API generation's management API ({@code /v1}): how its calls are
 * addressed, its query strings, its page bodies and its lifecycle checks. Not API.
 */
@NullMarked
package ai.together.sandbox.internal.current;

import org.jspecify.annotations.NullMarked;
