package ai.together.sandbox.files;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The kind of a {@link WatchEvent}: {@code ADD}, {@code REMOVE}, {@code CHANGE}, and the
 * watcher's own {@code connected} (first event of a watch) and {@code error}. Values the API adds
 * later are kept ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class WatchEventType extends ApiValue {

	/** {@code ADD}: a file or directory was created. */
	public static final WatchEventType ADD = new WatchEventType("ADD", true);

	/** {@code REMOVE}: a file or directory was removed. */
	public static final WatchEventType REMOVE = new WatchEventType("REMOVE", true);

	/** {@code CHANGE}: a file was modified. */
	public static final WatchEventType CHANGE = new WatchEventType("CHANGE", true);

	/** {@code connected}: the watcher is in place; sent first. */
	public static final WatchEventType CONNECTED = new WatchEventType("connected", true);

	/** {@code error}: the watcher failed. */
	public static final WatchEventType ERROR = new WatchEventType("error", true);

	private static final Map<String, WatchEventType> KNOWN = index(ADD, REMOVE, CHANGE, CONNECTED, ERROR);

	private WatchEventType(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static WatchEventType of(String value) {
		WatchEventType known = KNOWN.get(value);
		return (known != null) ? known : new WatchEventType(value, false);
	}

}
