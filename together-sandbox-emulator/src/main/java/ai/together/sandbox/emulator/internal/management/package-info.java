/**
 * The management API under {@code /api/v1}: its route table, its handlers, and the JSON models
 * of sandboxes, versions, snapshots and aliases built from the state records.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.management;
