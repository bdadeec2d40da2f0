/**
 * Files and directories of a connected sandbox, through its agent API: read, create, delete,
 * move, copy, stat and watch files; list, create and delete directories. Obtain the namespaces
 * from {@code sandbox.files()} and {@code sandbox.directories()}.
 * <p>
 * Paths are VM paths such as {@code /src/main.py}, sent as the API expects them (PROTOCOL.md
 * §3.1): every non-streaming call percent-encodes the whole path as one URL segment
 * ({@code /api/v1/files/%2Fsrc%2Fmain.py}); {@code watch} appends the path after
 * {@code /stream/directories/watcher/} keeping its {@code /} (so an absolute path gives
 * {@code watcher//src}) and percent-encodes every other character outside
 * {@code A-Z a-z 0-9 _ . - ~}, so that spaces, {@code %}, {@code #}, {@code ?} and non-ASCII
 * letters still form a valid URL.
 */
@NullMarked
package ai.together.sandbox.files;

import org.jspecify.annotations.NullMarked;
