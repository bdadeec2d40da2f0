/**
 * The snapshot build pipeline ({@code SnapshotBuildPipeline}): build context and
 * {@code .dockerignore}, the remote build ({@code RemoteContextBuild}: the context archive and
 * the image-builder client), the local build ({@code LocalDockerBuild}: the {@code docker}
 * command runner and the push retries), the architecture choice, build settings read from the
 * environment and progress reporting. The snapshot management calls are the namespace's, in the
 * root package; the pipeline gets the one it needs (the registry credential) as a function.
 * Not API: anything here may change without notice.
 */
@NullMarked
package ai.together.sandbox.internal.snapshots;

import org.jspecify.annotations.NullMarked;
