/**
 * The HTTP API: runs of a command in a fresh sandbox, with the reactive client, and their output
 * as server-sent events.
 */
@NullMarked
package ai.together.sandbox.sample.runs;

import org.jspecify.annotations.NullMarked;
