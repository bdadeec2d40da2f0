/**
 * Micrometer support of the auto-configured client: the {@code together.sandbox.client.retries}
 * counter. The {@code together.sandbox.client.requests} observation is recorded by the client
 * itself with the application's {@code ObservationRegistry}.
 */
@NullMarked
package ai.together.sandbox.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
