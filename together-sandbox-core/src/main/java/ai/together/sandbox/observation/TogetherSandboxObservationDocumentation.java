package ai.together.sandbox.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documents the observations the client records.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public enum TogetherSandboxObservationDocumentation implements ObservationDocumentation {

	/**
	 * One call of the client, for example {@code sandboxes.start} or {@code files.read}: every
	 * attempt and the waits between them, from the first request to the final result. Streams
	 * (server-sent events) are not observed by it; the transport-level {@code http.client.requests}
	 * of the {@code WebClient} records them.
	 */
	CLIENT_REQUEST {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTogetherSandboxClientObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Low-cardinality keys of {@link #CLIENT_REQUEST}: they become meter tags.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * Name of the operation, for example {@code sandboxes.create} or {@code execs.run}.
		 */
		OPERATION {

			@Override
			public String asString() {
				return "operation";
			}

		},

		/**
		 * How the call ended: {@code success}, {@code client_error} (4xx), {@code server_error}
		 * (5xx), {@code io_error} (no response), {@code cancelled} or {@code unknown}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		},

		/**
		 * HTTP status of the last response, for example {@code 200} or {@code 503}; {@code none}
		 * when no response was received.
		 */
		STATUS {

			@Override
			public String asString() {
				return "status";
			}

		},

		/**
		 * Simple class name of the failure ({@code HttpException}, or the transport exception
		 * that caused an {@code io_error}, such as {@code ConnectException}); {@code none} on
		 * success.
		 */
		EXCEPTION {

			@Override
			public String asString() {
				return "exception";
			}

		}

	}

	/**
	 * High-cardinality keys of {@link #CLIENT_REQUEST}: they go to traces, not to meters.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * Id of the sandbox a management call addresses ({@code /api/v1/sandboxes/{id}…});
		 * {@code none} for other calls, calls to an agent included.
		 */
		SANDBOX_ID {

			@Override
			public String asString() {
				return "sandbox.id";
			}

		}

	}

}
