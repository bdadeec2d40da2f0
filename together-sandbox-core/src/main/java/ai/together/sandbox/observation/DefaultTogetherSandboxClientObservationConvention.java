package ai.together.sandbox.observation;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.observation.TogetherSandboxObservationDocumentation.HighCardinalityKeyNames;
import ai.together.sandbox.observation.TogetherSandboxObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link TogetherSandboxClientObservationConvention}: the observation
 * {@value #NAME} with the low-cardinality keys {@code operation}, {@code outcome}, {@code status}
 * and {@code exception}, and the high-cardinality key {@code sandbox.id}. A missing value is
 * {@value KeyValue#NONE_VALUE}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class DefaultTogetherSandboxClientObservationConvention implements TogetherSandboxClientObservationConvention {

	/** The name of the observation, and so of the timer it produces. */
	public static final String NAME = "together.sandbox.client.requests";

	/** Shared instance. */
	public static final DefaultTogetherSandboxClientObservationConvention INSTANCE =
			new DefaultTogetherSandboxClientObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(TogetherSandboxClientObservationContext context) {
		return "together.sandbox " + context.getOperation();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TogetherSandboxClientObservationContext context) {
		return KeyValues.of(operation(context), outcome(context), status(context), exception(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TogetherSandboxClientObservationContext context) {
		return KeyValues.of(sandboxId(context));
	}

	/**
	 * The {@code operation} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue operation(TogetherSandboxClientObservationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.OPERATION, context.getOperation());
	}

	/**
	 * The {@code outcome} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue outcome(TogetherSandboxClientObservationContext context) {
		String outcome;
		if (context.isCancelled()) {
			outcome = "cancelled";
		}
		else if (context.getError() == null) {
			outcome = "success";
		}
		else {
			outcome = outcomeOf(context.getError());
		}
		return KeyValue.of(LowCardinalityKeyNames.OUTCOME, outcome);
	}

	/**
	 * The {@code status} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue status(TogetherSandboxClientObservationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.STATUS, statusOf(context.getStatus()));
	}

	/**
	 * The {@code exception} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue exception(TogetherSandboxClientObservationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.EXCEPTION, exceptionOf(context.getError()));
	}

	/**
	 * The {@code sandbox.id} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue sandboxId(TogetherSandboxClientObservationContext context) {
		String id = context.getSandboxId();
		return KeyValue.of(HighCardinalityKeyNames.SANDBOX_ID, (id != null) ? id : KeyValue.NONE_VALUE);
	}

	/**
	 * Classifies a failure the way the {@code outcome} key does: {@code client_error} (4xx),
	 * {@code server_error} (5xx), {@code io_error} (no response) or {@code unknown}.
	 * @param error the failure
	 * @return the outcome
	 */
	public static String outcomeOf(Throwable error) {
		if (!(error instanceof HttpException http)) {
			return "unknown";
		}
		int status = http.status();
		if (status == HttpException.TRANSPORT_FAILURE) {
			return "io_error";
		}
		if (status >= 400 && status < 500) {
			return "client_error";
		}
		return (status >= 500 && status < 600) ? "server_error" : "unknown";
	}

	/**
	 * Renders a status the way the {@code status} key does: the number, or
	 * {@value KeyValue#NONE_VALUE} for no response ({@code null} or {@code 0}).
	 * @param status the status
	 * @return the tag value
	 */
	public static String statusOf(@Nullable Integer status) {
		return (status == null || status == HttpException.TRANSPORT_FAILURE) ? KeyValue.NONE_VALUE
				: String.valueOf(status);
	}

	/**
	 * Renders a failure the way the {@code exception} key does: its simple class name, or that
	 * of its cause for a failure without response; {@value KeyValue#NONE_VALUE} for none.
	 * @param error the failure, or {@code null}
	 * @return the tag value
	 */
	public static String exceptionOf(@Nullable Throwable error) {
		if (error == null) {
			return KeyValue.NONE_VALUE;
		}
		Throwable named = error;
		if (error instanceof HttpException http && http.status() == HttpException.TRANSPORT_FAILURE
				&& http.getCause() != null) {
			// "HttpException" alone says nothing about a failure without response; its cause does.
			named = http.getCause();
		}
		String name = named.getClass().getSimpleName();
		return name.isEmpty() ? named.getClass().getName() : name;
	}

}
