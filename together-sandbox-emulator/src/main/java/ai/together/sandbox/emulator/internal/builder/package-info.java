/**
 * The remote image-builder protocol under {@code /builds}: its route table, the submission of
 * build contexts and their safe unpacking.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.builder;
