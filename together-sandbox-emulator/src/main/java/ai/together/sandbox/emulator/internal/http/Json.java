package ai.together.sandbox.emulator.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the emulator and helpers to read loosely typed request bodies with clear
 * 400 errors.
 */
public final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private Json() {
	}

	/**
	 * Serialises a value.
	 */
	public static byte[] write(Object value) {
		return MAPPER.writeValueAsBytes(value);
	}

	/**
	 * Parses a JSON object body; an empty body is an empty object.
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> object(byte[] body) {
		if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
			return new java.util.LinkedHashMap<>();
		}
		Object value;
		try {
			value = MAPPER.readValue(body, Object.class);
		}
		catch (JacksonException ex) {
			throw ApiException.badRequest("request body is not valid JSON: " + ex.getOriginalMessage());
		}
		if (!(value instanceof Map)) {
			throw ApiException.badRequest("request body must be a JSON object");
		}
		return (Map<String, Object>) value;
	}

	public static @Nullable String string(Map<String, Object> body, String key) {
		Object value = body.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String s)) {
			throw ApiException.badRequest("'" + key + "' must be a string");
		}
		return s;
	}

	public static String requiredString(Map<String, Object> body, String key) {
		String value = string(body, key);
		if (value == null) {
			throw ApiException.badRequest("'" + key + "' is required");
		}
		return value;
	}

	public static @Nullable Long integer(Map<String, Object> body, String key) {
		Object value = body.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger)) {
			throw ApiException.badRequest("'" + key + "' must be an integer");
		}
		if (value instanceof java.math.BigInteger big) {
			if (big.bitLength() > 63) {
				throw ApiException.badRequest("'" + key + "' is out of range");
			}
			return big.longValue();
		}
		return ((Number) value).longValue();
	}

	public static long requiredInteger(Map<String, Object> body, String key) {
		Long value = integer(body, key);
		if (value == null) {
			throw ApiException.badRequest("'" + key + "' is required");
		}
		return value;
	}

	public static @Nullable Boolean bool(Map<String, Object> body, String key) {
		Object value = body.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Boolean b)) {
			throw ApiException.badRequest("'" + key + "' must be a boolean");
		}
		return b;
	}

	public static @Nullable List<String> stringList(Map<String, Object> body, String key) {
		Object value = body.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof List<?> list)) {
			throw ApiException.badRequest("'" + key + "' must be an array of strings");
		}
		List<String> result = new ArrayList<>(list.size());
		for (Object item : list) {
			if (!(item instanceof String s)) {
				throw ApiException.badRequest("'" + key + "' must be an array of strings");
			}
			result.add(s);
		}
		return result;
	}

	public static @Nullable Map<String, String> stringMap(Map<String, Object> body, String key) {
		Object value = body.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw ApiException.badRequest("'" + key + "' must be an object of strings");
		}
		Map<String, String> result = new java.util.LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			if (!(entry.getValue() instanceof String s)) {
				throw ApiException.badRequest("'" + key + "' values must be strings");
			}
			result.put(String.valueOf(entry.getKey()), s);
		}
		return result;
	}

}
