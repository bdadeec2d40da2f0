package ai.together.sandbox.emulator;

import org.junit.jupiter.api.Assumptions;

/**
 * Skips, with the reason, the tests of what only namespaces give when the emulator runs execs
 * as processes of this machine (no working bubblewrap here, or isolation turned off).
 */
final class Namespaces {

	private Namespaces() {
	}

	static void assumeIn(SandboxEmulator emulator) {
		assumeIn(emulator.isolation() == EmulatorOptions.Isolation.NAMESPACES);
	}

	static void assumeIn(boolean namespaces) {
		Assumptions.assumeTrue(namespaces,
				"needs execs in Linux namespaces: bubblewrap (bwrap, Debian package bubblewrap) and nsenter"
						+ " missing or not working here, or isolation turned off");
	}

}
