/**
 * Test support for applications that use the Together Sandbox starter:
 * {@link ai.together.sandbox.test.AutoConfigureTogetherSandboxEmulator @AutoConfigureTogetherSandboxEmulator}
 * points a Spring Boot test's client at the local emulator, whatever API key or base URL the
 * application's configuration or environment holds.
 */
@NullMarked
package ai.together.sandbox.test;

import org.jspecify.annotations.NullMarked;
