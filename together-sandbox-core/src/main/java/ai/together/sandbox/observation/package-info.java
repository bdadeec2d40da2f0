/**
 * Micrometer Observation support of the client: the {@code together.sandbox.client.requests}
 * observation, its context and its conventions. Enable it with
 * {@code TogetherSandbox.builder().observationRegistry(registry)}.
 */
@NullMarked
package ai.together.sandbox.observation;

import org.jspecify.annotations.NullMarked;
