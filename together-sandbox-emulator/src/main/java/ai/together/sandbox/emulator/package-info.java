/**
 * A local emulator of the Together Sandbox management, agent and image-builder APIs.
 *
 * <p>{@link ai.together.sandbox.emulator.SandboxEmulator} starts a real HTTP server that runs each
 * sandbox as a directory on this machine and each exec as a local process. It is a development and
 * test tool, not an isolation boundary: processes run as the current user.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator;
