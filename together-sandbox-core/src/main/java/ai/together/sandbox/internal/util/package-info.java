/**
 * Leaf helpers shared by the models and the implementation: argument checks ({@code Args}),
 * the seed SDK's {@code repr} quoting ({@code Repr}), URL path and query encoding
 * ({@code PathEncoder}) and values made on first use ({@code Lazy}). Depends on nothing else of
 * the client, so that every package may use it.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.util;

import org.jspecify.annotations.NullMarked;
