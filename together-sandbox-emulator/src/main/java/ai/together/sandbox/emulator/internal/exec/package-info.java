/**
 * Execs as real local processes: launching them (own session, optional pseudo-terminal), the
 * output log with sequence numbers and live subscribers, the exec record with its status, stdin,
 * resize and kill, and the execs of one sandbox.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.exec;
