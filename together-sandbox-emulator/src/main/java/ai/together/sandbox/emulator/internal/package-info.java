/**
 * Implementation of the emulator, not a public API. This package only assembles the server; the
 * parts live below it: {@code http} (requests, replies, route tables, errors, JSON),
 * {@code management}, {@code agent} and {@code builder} (the three APIs), {@code state} (records,
 * registries, persistence), {@code exec} (processes, terminals, output logs) and {@code files}
 * (sandbox file trees).
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal;
