package ai.together.sandbox.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the {@code together.sandbox.client.requests} observation. Implement it (or extend
 * {@link DefaultTogetherSandboxClientObservationConvention}) to change them, and register it with
 * the client builder's {@code observationConvention(...)}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface TogetherSandboxClientObservationConvention
		extends ObservationConvention<TogetherSandboxClientObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TogetherSandboxClientObservationContext;
	}

}
