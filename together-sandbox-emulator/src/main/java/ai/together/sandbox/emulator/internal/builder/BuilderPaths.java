package ai.together.sandbox.emulator.internal.builder;

/**
 * The wire paths of the remote image builder (PROTOCOL.md §5.3), as route templates below
 * {@link #MOUNT}.
 */
final class BuilderPaths {

	static final String MOUNT = "/builds";

	static final String BUILDS = "";

	static final String BUILD = "/{build}";

	static final String BUILD_LOGS = "/{build}/logs";

	private BuilderPaths() {
	}

}
