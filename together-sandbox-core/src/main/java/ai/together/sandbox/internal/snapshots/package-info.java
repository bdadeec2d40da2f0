/**
 * The implementation of the snapshots namespace and the whole build pipeline: build
 * context and {@code .dockerignore}, the context archive, the remote image-builder client, the
 * {@code docker} command runner for local builds, build settings read from the environment and
 * the architecture choice.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.snapshots;

import org.jspecify.annotations.NullMarked;
