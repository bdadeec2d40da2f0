/**
 * Test fixtures shared by the tests of every module (published as core's test-jar): a fake
 * management and agent API ({@link ai.together.sandbox.testing.FakeSandboxServer}), a JUnit
 * extension that connects a sandbox to it
 * ({@link ai.together.sandbox.testing.FakeSandboxExtension}), and the bodies they answer with.
 * Only the public API of the client is used here.
 */
package ai.together.sandbox.testing;
