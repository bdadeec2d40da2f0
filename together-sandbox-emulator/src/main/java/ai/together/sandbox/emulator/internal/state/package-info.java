/**
 * What the emulator knows: typed records of sandboxes, snapshots, aliases and builds, the
 * registries that hold and change them (with the lifecycle of sandboxes), and the store that keeps
 * them in the SQLite database {@code state.db} (importing a {@code state.json} of earlier emulators).
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.state;
