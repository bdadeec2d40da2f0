package ai.together.sandbox.emulator;

/**
 * The kill domain of each sandbox without namespaces: its execs' sessions, also what left their
 * process group or was re-parented by a double fork.
 */
class ExecIsolationWithoutNamespacesTest extends ExecIsolationTest {

	@Override
	EmulatorOptions.Isolation isolation() {
		return EmulatorOptions.Isolation.NONE;
	}

}
