/**
 * What the emulator knows: typed records of sandboxes, snapshots, aliases and builds, the
 * registries that hold and change them (with the lifecycle of sandboxes), and the store that loads
 * and saves them as {@code state.json}.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.state;
