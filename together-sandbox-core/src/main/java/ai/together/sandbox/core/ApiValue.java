package ai.together.sandbox.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Base of the string-backed values the servers send where a closed set of strings is documented
 * (statuses, reasons, types). Unlike a Java {@code enum}, a value the server adds later is kept
 * rather than failing the whole response: {@link #isKnown()} tells the two apart.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public abstract class ApiValue {

	private final String value;

	private final boolean known;

	/**
	 * Creates a value.
	 * @param value the wire string
	 * @param known whether it is one of the documented values
	 */
	protected ApiValue(String value, boolean known) {
		this.value = Objects.requireNonNull(value, "value");
		this.known = known;
	}

	/**
	 * Returns the wire string, for example {@code running}.
	 * @return the wire string
	 */
	@com.fasterxml.jackson.annotation.JsonValue
	public String value() {
		return this.value;
	}

	/**
	 * Whether this is one of the values documented by the API version this client implements.
	 * @return {@code true} for a documented value
	 */
	public boolean isKnown() {
		return this.known;
	}

	/**
	 * Indexes documented constants by wire string, for a subclass's {@code of(String)}.
	 * @param <T> the value type
	 * @param values the constants
	 * @return the index
	 */
	@SafeVarargs
	protected static <T extends ApiValue> Map<String, T> index(T... values) {
		Map<String, T> map = new HashMap<>();
		for (T value : values) {
			map.put(value.value(), value);
		}
		return Map.copyOf(map);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other != null && other.getClass() == getClass() && ((ApiValue) other).value.equals(this.value);
	}

	@Override
	public int hashCode() {
		return this.value.hashCode();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
