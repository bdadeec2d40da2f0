package ai.together.sandbox.internal.snapshots;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;

/**
 * The architecture a snapshot is registered with: the default, the one of a remote build (from
 * the environment) and the one of a local build (from the machine).
 */
public final class Architecture {

	/** The architecture of image snapshots, and the default of builds. */
	public static final String DEFAULT = "amd64";

	/** The environment variable holding the architecture of remote builds. */
	public static final String REMOTE_ENV = "TOGETHER_REMOTE_ARCHITECTURE";

	private static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

	private Architecture() {
	}

	/**
	 * The architecture of a remote build: {@code TOGETHER_REMOTE_ARCHITECTURE}, {@code amd64}
	 * when unset or empty.
	 * @param environment reads environment variables
	 * @return {@code amd64} or {@code arm64}
	 * @throws IllegalArgumentException when the variable holds anything else
	 */
	public static String remote(UnaryOperator<@Nullable String> environment) {
		String value = environment.apply(REMOTE_ENV);
		if (value == null || value.isEmpty()) {
			return DEFAULT;
		}
		if (!ARCHITECTURES.contains(value)) {
			throw new IllegalArgumentException("Invalid " + REMOTE_ENV + "=" + Repr.quote(value)
					+ "; expected one of: ['amd64', 'arm64']");
		}
		return value;
	}

	/**
	 * The architecture of a local build (PROTOCOL.md §5.4): {@code arm64} only on an ARM Mac (the
	 * Python SDK checks for the machine type {@code arm64}, which only macOS reports) talking to
	 * {@code api.codesandbox.dev}; {@code amd64} otherwise.
	 * @param osName the {@code os.name} system property
	 * @param osArch the {@code os.arch} system property
	 * @param origin the management origin
	 * @return {@code amd64} or {@code arm64}
	 */
	public static String local(String osName, String osArch, String origin) {
		boolean armMac = osArch.equalsIgnoreCase("arm64")
				|| (osName.toLowerCase(Locale.ROOT).startsWith("mac") && osArch.equalsIgnoreCase("aarch64"));
		String host = URI.create(origin).getHost();
		return (armMac && "api.codesandbox.dev".equalsIgnoreCase(host)) ? "arm64" : DEFAULT;
	}

}
