package ai.together.sandbox.emulator.internal.management;

/**
 * The wire paths of the management API (PROTOCOL.md §2), as route templates below
 * {@link #MOUNT}. A snapshot or alias segment is a UUID or {@code @} followed by the
 * percent-encoded alias.
 */
final class ManagementPaths {

	static final String MOUNT = "/api/v1";

	static final String SANDBOXES = "/sandboxes";

	static final String SANDBOXES_BATCH = "/sandboxes/batch";

	static final String SANDBOX = "/sandboxes/{id}";

	static final String SANDBOX_START = "/sandboxes/{id}/start";

	static final String SANDBOX_STOP = "/sandboxes/{id}/stop";

	static final String SANDBOX_WAIT = "/sandboxes/{id}/wait";

	static final String SANDBOX_VERSION = "/sandboxes/{id}/versions/{version}";

	static final String SANDBOX_VERSION_BY_ID = "/sandbox-versions/{version}";

	static final String SNAPSHOTS = "/snapshots";

	static final String SNAPSHOTS_BATCH = "/snapshots/batch";

	static final String SNAPSHOT = "/snapshots/{snapshot}";

	static final String SNAPSHOT_ALIASES = "/snapshots/{snapshot}/aliases";

	static final String SNAPSHOT_ALIAS = "/snapshot-aliases/{alias}";

	static final String REGISTRY_CREDENTIALS = "/container-registries/default/credentials";

	static final String AUTHORIZE = "/authorize";

	private ManagementPaths() {
	}

}
