package ai.together.sandbox.files;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.util.Repr;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A file's content as the agent returns it (the API's {@code FileReadResponse}): the content
 * string and how it is encoded. {@link #toString()} does not print the content.
 *
 * @param path the file path
 * @param content the content: the text itself for {@link FileEncoding#UTF_8}, Base64 for
 * {@link FileEncoding#BASE64}
 * @param encoding how {@code content} is encoded
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record FileContent(@JsonProperty("path") String path, @JsonProperty("content") String content,
		@JsonProperty("encoding") FileEncoding encoding) {

	/**
	 * Tolerates fields the agent left out (a missing encoding means text).
	 */
	public FileContent {
		path = (path != null) ? path : "";
		content = (content != null) ? content : "";
		encoding = (encoding != null) ? encoding : FileEncoding.UTF_8;
	}

	/**
	 * Decodes the content into the file's bytes: UTF-8 text is encoded back to UTF-8, Base64 is
	 * decoded.
	 * @return the bytes of the file
	 * @throws TogetherSandboxException when the encoding is unknown or the Base64 is invalid
	 */
	public byte[] bytes() {
		if (FileEncoding.UTF_8.equals(this.encoding)) {
			return this.content.getBytes(StandardCharsets.UTF_8);
		}
		if (FileEncoding.BASE64.equals(this.encoding)) {
			try {
				return Base64.getDecoder().decode(this.content);
			}
			catch (IllegalArgumentException ex) {
				throw new TogetherSandboxException(
						"The content of " + Repr.quote(this.path) + " is not valid Base64: " + ex.getMessage(), ex);
			}
		}
		throw new TogetherSandboxException("The content of " + Repr.quote(this.path) + " has an unsupported encoding "
				+ Repr.quote(this.encoding.value()));
	}

	@Override
	public String toString() {
		// The content may be large or sensitive.
		return "FileContent[path=" + this.path + ", encoding=" + this.encoding + ", length=" + this.content.length()
				+ "]";
	}

}
