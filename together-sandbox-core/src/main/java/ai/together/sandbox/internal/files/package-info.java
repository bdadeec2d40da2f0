/**
 * Transfers of file content too large to hold in memory: response bodies spooled to disk as they
 * arrive and decoded from there with Jackson's streaming parser ({@code FileBodies}), request
 * bodies streamed from files and streams ({@code UploadBodies}). Not API: anything here may change
 * without notice.
 */
@NullMarked
package ai.together.sandbox.internal.files;

import org.jspecify.annotations.NullMarked;
