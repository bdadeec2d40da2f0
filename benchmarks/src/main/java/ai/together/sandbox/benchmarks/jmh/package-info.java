/**
 * JMH benchmarks (per-call overhead of the client against a bare WebClient and the JDK HttpClient).
 */
@NullMarked
package ai.together.sandbox.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
