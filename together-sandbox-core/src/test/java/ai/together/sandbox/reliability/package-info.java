/**
 * The fault and abuse suite of the core client: transport and stream faults, connection and
 * buffer leaks under injected faults, bad input at every public method, secrets in messages and
 * logs, and shutdown with calls in flight.
 */
@NullMarked
package ai.together.sandbox.reliability;

import org.jspecify.annotations.NullMarked;
