package ai.together.sandbox.current;

import org.jspecify.annotations.Nullable;

/**
 * How {@code terminate} treats the sandbox's file system, one of three:
 * <ul>
 * <li>{@link #asConfigured()}: as the sandbox's own termination policy says (a snapshot when it
 * was created with one, nothing otherwise); the request body is {@code {}};</li>
 * <li>{@link #withoutSnapshot()}: no snapshot, whatever the policy says; the body is
 * {@code {"snapshot":null}};</li>
 * <li>{@link #withSnapshot(TerminationSnapshot)}: a snapshot with these settings, whatever the
 * policy says; the body is {@code {"snapshot":{…}}}.</li>
 * </ul>
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class Termination {

	private static final Termination AS_CONFIGURED = new Termination(false, null);

	private static final Termination WITHOUT_SNAPSHOT = new Termination(true, null);

	private final boolean overridden;

	private final @Nullable TerminationSnapshot snapshot;

	private Termination(boolean overridden, @Nullable TerminationSnapshot snapshot) {
		this.overridden = overridden;
		this.snapshot = snapshot;
	}

	/**
	 * Terminates as the sandbox's termination policy says.
	 * @return the termination
	 */
	public static Termination asConfigured() {
		return AS_CONFIGURED;
	}

	/**
	 * Terminates without a snapshot (an ephemeral teardown).
	 * @return the termination
	 */
	public static Termination withoutSnapshot() {
		return WITHOUT_SNAPSHOT;
	}

	/**
	 * Terminates with a snapshot.
	 * @param snapshot the snapshot settings ({@link TerminationSnapshot#defaults()} for the
	 * server's)
	 * @return the termination
	 */
	public static Termination withSnapshot(TerminationSnapshot snapshot) {
		if (snapshot == null) {
			throw new IllegalArgumentException("snapshot must not be null; use Termination.withoutSnapshot()");
		}
		return new Termination(true, snapshot);
	}

	/**
	 * Whether this overrides the sandbox's termination policy.
	 * @return {@code false} for {@link #asConfigured()}
	 */
	public boolean overridesPolicy() {
		return this.overridden;
	}

	/**
	 * The snapshot settings of {@link #withSnapshot(TerminationSnapshot)}.
	 * @return the settings, or {@code null} for the other two
	 */
	public @Nullable TerminationSnapshot snapshot() {
		return this.snapshot;
	}

	@Override
	public String toString() {
		return !this.overridden ? "Termination[asConfigured]"
				: (this.snapshot == null) ? "Termination[withoutSnapshot]" : "Termination[withSnapshot=" + this.snapshot + "]";
	}

}
