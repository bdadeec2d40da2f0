/**
 * The models of files and directories of a connected sandbox: file content and its encoding,
 * file metadata and watch events. The namespaces themselves are
 * {@link ai.together.sandbox.SandboxFiles} / {@link ai.together.sandbox.ReactiveSandboxFiles}
 * ({@code sandbox.files()}, which also describes how paths are sent) and
 * {@link ai.together.sandbox.SandboxDirectories} /
 * {@link ai.together.sandbox.ReactiveSandboxDirectories} ({@code sandbox.directories()}).
 */
@NullMarked
package ai.together.sandbox.files;

import org.jspecify.annotations.NullMarked;
