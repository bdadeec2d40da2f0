/**
 * Hardening of the emulator: a bounded fuzz of its endpoints, a load of concurrent exec output
 * streams, and what its logs may not contain.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.hardening;
