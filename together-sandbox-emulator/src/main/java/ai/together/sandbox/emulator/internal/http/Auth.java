package ai.together.sandbox.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;

/**
 * Bearer and token authentication, compared in constant time.
 */
public final class Auth {

	private Auth() {
	}

	/**
	 * Whether the request carries {@code Authorization: Bearer <expected>}.
	 * @param request the request
	 * @param expected the token; an empty one never matches
	 * @return whether it matches
	 */
	public static boolean bearerMatches(Request request, String expected) {
		String header = request.header("Authorization");
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		return tokenMatches(header.substring(7).trim(), expected);
	}

	/**
	 * Compares a presented token with the expected one.
	 * @param given the presented token, or {@code null}
	 * @param expected the token; an empty one never matches
	 * @return whether they are equal
	 */
	public static boolean tokenMatches(@Nullable String given, String expected) {
		if (given == null || expected.isEmpty()) {
			return false;
		}
		return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A guard that admits requests carrying the API key.
	 * @param apiKey the API key
	 * @return the guard, which answers 401 otherwise
	 */
	public static RouteTable.Guard<Request> apiKey(String apiKey) {
		return request -> {
			if (!bearerMatches(request, apiKey)) {
				throw new ApiException(401, "missing or invalid API key");
			}
			return request;
		};
	}

}
