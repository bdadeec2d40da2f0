/**
 * The Spring Boot application whose startup is measured with and without the starter.
 */
@NullMarked
package ai.together.sandbox.benchmarks.spring;

import org.jspecify.annotations.NullMarked;
