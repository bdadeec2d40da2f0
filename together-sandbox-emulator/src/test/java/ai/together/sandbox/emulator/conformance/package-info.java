/**
 * Conformance of the emulator with the core client: the upstream e2e scenarios run through
 * {@code TogetherSandbox}, and every response body of those runs checked against the OpenAPI
 * schemas.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.conformance;
