package ai.together.sandbox.snapshots;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The stage a {@link SnapshotProgress} event reports: {@code prepare}, {@code build},
 * {@code auth}, {@code push}, {@code register}, {@code memory-snapshot} or {@code alias}.
 * A remote build reports only {@code build}, {@code register} and {@code alias}; an image
 * snapshot only {@code register} and {@code alias}. {@code memory-snapshot} is documented but
 * never reported by this client (nor by the Python SDK).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SnapshotStep extends ApiValue {

	/** {@code prepare}: a local build is being prepared. */
	public static final SnapshotStep PREPARE = new SnapshotStep("prepare", true);

	/** {@code build}: the image is being built (build log lines carry this step). */
	public static final SnapshotStep BUILD = new SnapshotStep("build", true);

	/** {@code auth}: logging in to the container registry (local build). */
	public static final SnapshotStep AUTH = new SnapshotStep("auth", true);

	/** {@code push}: pushing the image to the container registry (local build). */
	public static final SnapshotStep PUSH = new SnapshotStep("push", true);

	/** {@code register}: registering the image as a snapshot. */
	public static final SnapshotStep REGISTER = new SnapshotStep("register", true);

	/** {@code memory-snapshot}: documented by the seed, never reported by this client. */
	public static final SnapshotStep MEMORY_SNAPSHOT = new SnapshotStep("memory-snapshot", true);

	/** {@code alias}: assigning the alias. */
	public static final SnapshotStep ALIAS = new SnapshotStep("alias", true);

	private static final Map<String, SnapshotStep> KNOWN = index(PREPARE, BUILD, AUTH, PUSH, REGISTER,
			MEMORY_SNAPSHOT, ALIAS);

	private SnapshotStep(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the step for a name.
	 * @param value the name, for example {@code build}
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static SnapshotStep of(String value) {
		SnapshotStep known = KNOWN.get(value);
		return (known != null) ? known : new SnapshotStep(value, false);
	}

}
