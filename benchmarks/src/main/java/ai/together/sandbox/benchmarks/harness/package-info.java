/**
 * The load harness: one class per scenario (concurrency, streaming, files, emulator, Spring startup), heap and connection meters, child JVMs and the report.
 */
@NullMarked
package ai.together.sandbox.benchmarks.harness;

import org.jspecify.annotations.NullMarked;
