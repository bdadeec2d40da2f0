package ai.together.sandbox.files;

import java.util.Map;

import ai.together.sandbox.core.ApiValue;
import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How the agent encoded a file's content in a response: {@code utf-8} for text that is valid
 * UTF-8, {@code base64} (standard alphabet) for anything else. Values the API adds later are kept
 * ({@link #isKnown()} is then {@code false}).
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class FileEncoding extends ApiValue {

	/** {@code utf-8}: the content is the text itself. */
	public static final FileEncoding UTF_8 = new FileEncoding("utf-8", true);

	/** {@code base64}: the content is the standard Base64 form of the bytes. */
	public static final FileEncoding BASE64 = new FileEncoding("base64", true);

	private static final Map<String, FileEncoding> KNOWN = index(UTF_8, BASE64);

	private FileEncoding(String value, boolean known) {
		super(value, known);
	}

	/**
	 * Returns the value for a wire string.
	 * @param value the wire string
	 * @return the documented constant, or a new unknown value
	 */
	@JsonCreator
	public static FileEncoding of(String value) {
		FileEncoding known = KNOWN.get(value);
		return (known != null) ? known : new FileEncoding(value, false);
	}

}
