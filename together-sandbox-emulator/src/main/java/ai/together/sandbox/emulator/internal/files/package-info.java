/**
 * The file tree of a sandbox: VM paths mapped onto its host directory without ever leaving it,
 * the file operations of the agent API, and copying and deleting whole trees.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.files;
