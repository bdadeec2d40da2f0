package ai.together.sandbox.internal.http;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.errors.HttpException.FieldError;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;

/**
 * The one error mapper of the client: turns a failed attempt into an {@link HttpException} with
 * the messages of PROTOCOL.md §4.2.
 * <ul>
 * <li>no response: {@code <op><suffix>: <ExceptionClass>: <text>}, status 0, cause kept;</li>
 * <li>an error body with a message (management or agent shape, at any status):
 * {@code Failed to <op><suffix>: <message> (code: <code>)};</li>
 * <li>another JSON object that carries an error text ({@code error}: a string or an object with
 * a {@code message}; {@code detail}; {@code errors}: strings or objects with a {@code message}),
 * as proxies, gateways and other frameworks send them:
 * {@code Failed to <op><suffix>: <text> (HTTP <status>)}, with no {@code code} and no field
 * errors (a departure from PROTOCOL.md, where the server's text is lost);</li>
 * <li>anything else: {@code <op> returned no response<suffix> (HTTP <status>)}.</li>
 * </ul>
 * A call that failed after more than one attempt says so: {@link #afterAttempts}.
 */
public final class ErrorMapper {

	private static final int MAX_MESSAGE_LENGTH = 1000;

	private ErrorMapper() {
	}

	/**
	 * Maps a failure to get any response.
	 * @param operation the operation name
	 * @param context the context string ({@code for sandbox 'abc'}), or {@code null}
	 * @param cause the transport failure
	 * @return the exception, status 0
	 */
	public static HttpException transportFailure(String operation, @Nullable String context, Throwable cause) {
		Throwable root = mostSpecific(cause);
		String text = root.getMessage();
		String message = operation + suffix(context) + ": " + root.getClass().getSimpleName()
				+ ((text != null && !text.isBlank()) ? ": " + truncate(text) : "");
		return new HttpException(message, HttpException.TRANSPORT_FAILURE, operation, null, List.of(), null, cause);
	}

	/**
	 * Maps an error response.
	 * @param operation the operation name
	 * @param context the context string, or {@code null}
	 * @param status the HTTP status
	 * @param headers the response headers
	 * @param body the response body (may be empty)
	 * @return the exception
	 */
	public static HttpException errorResponse(String operation, @Nullable String context, int status,
			HttpHeaders headers, byte[] body) {
		Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER));
		JsonNode json = parseObject(body);
		JsonNode messageNode = (json != null) ? json.get("message") : null;
		JsonNode error = (messageNode != null && messageNode.isString()) ? json : null;
		if (error == null) {
			String text = (json != null) ? serverText(json) : null;
			String message = (text != null)
					? "Failed to " + operation + suffix(context) + ": " + truncate(text) + " (HTTP " + status + ")"
					: operation + " returned no response" + suffix(context) + " (HTTP " + status + ")";
			return new HttpException(message, status, operation, null, List.of(), retryAfter, null);
		}
		JsonNode codeNode = error.get("code");
		String code = (codeNode != null && !codeNode.isNull() && codeNode.isValueNode()) ? codeNode.asString() : null;
		String message = "Failed to " + operation + suffix(context) + ": " + truncate(error.get("message").asString())
				+ " (code: " + code + ")";
		return new HttpException(message, status, operation, code, fieldErrors(error.get("errors")), retryAfter, null);
	}

	/**
	 * Maps a success response whose body could not be read.
	 * @param operation the operation name
	 * @param context the context string, or {@code null}
	 * @param status the HTTP status
	 * @param cause why the body could not be read
	 * @return the exception
	 */
	public static HttpException invalidBody(String operation, @Nullable String context, int status, Throwable cause) {
		String message = operation + " returned an invalid response" + suffix(context) + " (HTTP " + status + "): "
				+ truncate(String.valueOf(cause.getMessage()));
		return new HttpException(message, status, operation, null, List.of(), null, cause);
	}

	/**
	 * Formats the context suffix: empty, or a space followed by the context.
	 * @param context the context, or {@code null}
	 * @return the suffix
	 */
	public static String suffix(@Nullable String context) {
		return (context != null) ? " " + context : "";
	}

	/**
	 * Says that a call failed after several attempts: a copy of its last error whose message ends
	 * with {@code ; failed after <n> attempts} (same status, code, errors, cause and stack
	 * trace).
	 * @param error the error of the last attempt
	 * @param attempts how many attempts were made
	 * @return the copy, or the error itself after a single attempt
	 */
	public static HttpException afterAttempts(HttpException error, int attempts) {
		if (attempts <= 1) {
			return error;
		}
		HttpException copy = new HttpException(error.getMessage() + "; failed after " + attempts + " attempts",
				error.status(), error.operation(), error.code(), error.errors(), error.retryAfter(), error.getCause());
		copy.setStackTrace(error.getStackTrace());
		return copy;
	}

	private static @Nullable JsonNode parseObject(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode node = Json.tree(body);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * The error text of a JSON error body that is not the documented model: {@code error} (a
	 * string, or an object with a {@code message} or {@code detail}), then {@code detail}, then
	 * the entries of {@code errors} (strings, or objects with a {@code message}, prefixed with
	 * their {@code parameter}) joined with {@code ; }.
	 */
	private static @Nullable String serverText(JsonNode body) {
		JsonNode error = body.get("error");
		String text = nonBlank(error);
		if (text == null && error != null && error.isObject()) {
			text = (nonBlank(error.get("message")) != null) ? nonBlank(error.get("message"))
					: nonBlank(error.get("detail"));
		}
		if (text == null) {
			text = nonBlank(body.get("detail"));
		}
		JsonNode errors = body.get("errors");
		if (text == null && errors != null && errors.isArray()) {
			List<String> parts = new ArrayList<>();
			for (JsonNode item : errors) {
				String part = nonBlank(item);
				if (part == null && item.isObject() && nonBlank(item.get("message")) != null) {
					String parameter = nonBlank(item.get("parameter"));
					part = ((parameter != null) ? parameter + ": " : "") + nonBlank(item.get("message"));
				}
				if (part != null) {
					parts.add(part);
				}
			}
			text = parts.isEmpty() ? null : String.join("; ", parts);
		}
		return text;
	}

	private static @Nullable String nonBlank(@Nullable JsonNode node) {
		return (node != null && node.isString() && !node.asString().isBlank()) ? node.asString() : null;
	}

	private static List<FieldError> fieldErrors(@Nullable JsonNode errors) {
		if (errors == null || !errors.isArray()) {
			return List.of();
		}
		List<FieldError> result = new ArrayList<>();
		for (JsonNode item : errors) {
			if (!item.isObject()) {
				continue;
			}
			// Only an object converts to a Map; anything else would make the conversion throw and
			// replace the HttpException with a raw Jackson exception.
			JsonNode detailsNode = item.get("details");
			@SuppressWarnings("unchecked")
			Map<String, Object> details = (detailsNode != null && detailsNode.isObject())
					? Json.mapper().convertValue(detailsNode, Map.class) : null;
			result.add(new FieldError(text(item, "parameter"), text(item, "code"), text(item, "message"), details));
		}
		return result;
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isValueNode() && !value.isNull()) ? value.asString() : null;
	}

	/**
	 * Parses a {@code Retry-After} header: delay seconds or an HTTP date.
	 * @param value the header value, or {@code null}
	 * @return the delay, or {@code null} when absent or unreadable
	 */
	static @Nullable Duration retryAfter(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			long seconds = Long.parseLong(trimmed);
			return (seconds >= 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			try {
				Duration until = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException dateEx) {
				return null;
			}
		}
	}

	private static Throwable mostSpecific(Throwable error) {
		if (error instanceof TimeoutException) {
			return error;
		}
		// WebClient wraps the interesting failure (ConnectException, PrematureCloseException, …).
		Throwable current = error;
		while (current.getCause() != null && current.getCause() != current
				&& current instanceof org.springframework.web.reactive.function.client.WebClientException) {
			current = current.getCause();
		}
		return current;
	}

	private static String truncate(String text) {
		return (text.length() > MAX_MESSAGE_LENGTH) ? text.substring(0, MAX_MESSAGE_LENGTH) + "…" : text;
	}

}
