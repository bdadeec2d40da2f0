package ai.together.sandbox.emulator.internal.state;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A context build of the image-builder protocol, with its log. A row of {@code state.db} (in snake
 * case in the {@code state.json} of earlier emulators); its context lies in the build's directory.
 *
 * @param buildId the build id
 * @param status {@code succeeded} or {@code failed}
 * @param imageName the image name requested
 * @param imageRef the image reference it produced
 * @param dockerfile the Dockerfile named (never executed)
 * @param error why it failed, if it did
 * @param createdAt when it was submitted
 * @param logs its log lines
 * @param byteSize the bytes of regular files unpacked
 */
public record BuildRecord(String buildId, String status, String imageName, String imageRef, String dockerfile,
		@Nullable String error, String createdAt, List<String> logs, long byteSize) {

	/** A build record; a missing log reads as empty, a missing status from the error. */
	public BuildRecord {
		if (status == null) {
			status = error == null ? "succeeded" : "failed";
		}
		logs = logs == null ? List.of() : List.copyOf(logs);
	}

	/**
	 * Creates the record of a build that has just run.
	 * @param buildId the build id
	 * @param imageName the image name requested
	 * @param imageRef the image reference it produced
	 * @param dockerfile the Dockerfile named
	 * @param error why it failed, or {@code null}
	 * @param createdAt when it was submitted
	 * @param logs its log lines
	 * @param byteSize the bytes unpacked
	 * @return the record
	 */
	public static BuildRecord of(String buildId, String imageName, String imageRef, String dockerfile,
			@Nullable String error, String createdAt, List<String> logs, long byteSize) {
		return new BuildRecord(buildId, error == null ? "succeeded" : "failed", imageName, imageRef, dockerfile, error,
				createdAt, logs, byteSize);
	}

}
