/**
 * The server-sent-events decoder that every agent stream and the image-builder log stream
 * read through.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.sse;

import org.jspecify.annotations.NullMarked;
