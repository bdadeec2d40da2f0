/**
 * The demo job: one sandbox from creation to shutdown with the blocking client, printed live on
 * the console and summarized with timings.
 */
@NullMarked
package ai.together.sandbox.sample.demo;

import org.jspecify.annotations.NullMarked;
