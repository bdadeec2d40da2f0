package ai.together.sandbox.errors;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A failed HTTP call: the server answered with an error status, or no response was received at
 * all. The Java form of the Python SDK's {@code HttpError}.
 * <p>
 * {@link #status()} is the HTTP status code, or {@code 0} when the request never got a response
 * (connection refused, DNS failure, timeout, connection reset, malformed response); the original
 * transport exception is then the {@linkplain #getCause() cause}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public class HttpException extends TogetherSandboxException {

	private static final long serialVersionUID = 1L;

	/** The {@link #status()} of a failure where no HTTP response was received. */
	public static final int TRANSPORT_FAILURE = 0;

	private final int status;

	private final String operation;

	private final @Nullable String code;

	private final List<FieldError> errors;

	private final @Nullable Duration retryAfter;

	/**
	 * Creates the exception.
	 * @param message the full message (names the operation)
	 * @param status the HTTP status, or {@code 0} for a transport failure
	 * @param operation the operation name, for example {@code sandboxes.start}
	 * @param code the API error code when the server sent one
	 * @param errors the per-field errors when the server sent them
	 * @param retryAfter the delay the server asked for in {@code Retry-After}, if any
	 * @param cause the transport exception, if any
	 */
	public HttpException(String message, int status, String operation, @Nullable String code, List<FieldError> errors,
			@Nullable Duration retryAfter, @Nullable Throwable cause) {
		super(message, cause);
		this.status = status;
		this.operation = operation;
		this.code = code;
		this.errors = List.copyOf(errors);
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns the HTTP status code, or {@code 0} when no response was received.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Returns the name of the failed operation, for example {@code files.read}.
	 * @return the operation name
	 */
	public String operation() {
		return this.operation;
	}

	/**
	 * Returns the error code of the API's error body ({@code NOT_FOUND} for the management API, a
	 * number such as {@code 404} for the agent API), or {@code null} when there was none.
	 * @return the API error code, or {@code null}
	 */
	public @Nullable String code() {
		return this.code;
	}

	/**
	 * Returns the per-parameter errors of the management API's error body (empty when none).
	 * @return the field errors
	 */
	public List<FieldError> errors() {
		return this.errors;
	}

	/**
	 * Returns the delay the server asked for with a {@code Retry-After} header, or {@code null}.
	 * @return the requested delay, or {@code null}
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether no HTTP response was received ({@link #status()} is {@code 0}).
	 * @return {@code true} for a transport failure
	 */
	public boolean isTransportFailure() {
		return this.status == TRANSPORT_FAILURE;
	}

	/**
	 * One entry of the management API's {@code errors} array.
	 *
	 * @param parameter the request parameter concerned, if any
	 * @param code the error code, if any
	 * @param message the message, if any
	 * @param details further details, if any
	 */
	public record FieldError(@Nullable String parameter, @Nullable String code, @Nullable String message,
			@Nullable Map<String, Object> details) {
	}

}
