/**
 * The one JSON mapper of the client (Jackson 3), its read limits and error descriptions.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.json;

import org.jspecify.annotations.NullMarked;
