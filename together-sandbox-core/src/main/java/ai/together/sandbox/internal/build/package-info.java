/**
 * Implementation of snapshot builds: the build-context archive (honouring {@code .dockerignore}),
 * the remote image-builder client, the {@code docker} command runner and ANSI stripping. Not
 * API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.build;

import org.jspecify.annotations.NullMarked;
