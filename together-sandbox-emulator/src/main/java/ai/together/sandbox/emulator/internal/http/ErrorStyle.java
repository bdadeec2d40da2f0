package ai.together.sandbox.emulator.internal.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of the JSON error body of an API: the management API (and the image builder) name the
 * status ({@code "code": "NOT_FOUND"}, with {@code errors}); the agent API gives it as a number.
 */
public enum ErrorStyle {

	/** {@code {"code": "NOT_FOUND", "message": ..., "errors": []}}. */
	MANAGEMENT,

	/** {@code {"code": 404, "message": ...}}. */
	AGENT;

	/**
	 * Builds the error body.
	 * @param status the HTTP status
	 * @param message the message
	 * @return the body
	 */
	public Map<String, Object> body(int status, String message) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("code", this == AGENT ? status : codeName(status));
		json.put("message", message);
		if (this == MANAGEMENT) {
			json.put("errors", List.of());
		}
		return json;
	}

	private static String codeName(int status) {
		return switch (status) {
			case 400 -> "BAD_REQUEST";
			case 401 -> "UNAUTHORIZED";
			case 403 -> "FORBIDDEN";
			case 404 -> "NOT_FOUND";
			case 405 -> "METHOD_NOT_ALLOWED";
			case 409 -> "CONFLICT";
			case 413 -> "PAYLOAD_TOO_LARGE";
			default -> status >= 500 ? "INTERNAL_ERROR" : "ERROR";
		};
	}

}
