/**
 * A minimal local server (Reactor Netty on 127.0.0.1) answering the management and agent calls that the benchmarks make.
 */
@NullMarked
package ai.together.sandbox.benchmarks.stub;

import org.jspecify.annotations.NullMarked;
