/**
 * Benchmarks of the Together Sandbox client: the suite runner ({@link ai.together.sandbox.benchmarks.BenchmarkSuite}) that measures the client against raw baselines, the emulator and the Spring Boot starter. Not deployed.
 */
@NullMarked
package ai.together.sandbox.benchmarks;

import org.jspecify.annotations.NullMarked;
