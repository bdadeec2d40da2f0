/**
 * The agent API of each sandbox under {@code /sandboxes/<id>/agent}: its route table and the
 * handlers of files, directories, execs, ports and directory watches.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.agent;
