/**
 * Implementation of the emulator: HTTP routing, the management, agent and builder APIs, sandbox
 * state, processes, pseudo-terminals, port scanning and file watching. Not a public API.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal;
