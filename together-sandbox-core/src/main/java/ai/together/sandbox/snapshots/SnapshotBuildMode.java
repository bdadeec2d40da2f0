package ai.together.sandbox.snapshots;

/**
 * Where a snapshot is built from a Docker build context.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public enum SnapshotBuildMode {

	/**
	 * Together's remote image-builder service builds and pushes the image (the default). No
	 * Docker installation is needed.
	 */
	REMOTE,

	/**
	 * The local Docker daemon builds the image and this machine pushes it to the project's
	 * registry. Needs a {@code docker} executable on the {@code PATH}.
	 */
	LOCAL

}
