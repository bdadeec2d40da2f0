package ai.together.sandbox.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.Base64Variant;
import tools.jackson.core.Base64Variants;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Reads a file read response ({@code FileReadResponse}: {@code path}, {@code content},
 * {@code encoding}) without ever holding its content in memory. The body is first spooled to a
 * file as it arrives, because the agent sends {@code content} before {@code encoding}: how to
 * decode the content is known only once all of it has gone by. The spooled JSON is then scanned
 * once by Jackson's streaming parser, which skips the content string without materialising it,
 * and decoded in a second pass straight into the destination: Base64 through Jackson's
 * {@code readBinaryValue}, UTF-8 text by copying the bytes of the JSON string with its escapes
 * resolved. Heap use is a few buffers of some kilobytes whatever the file size.
 */
public final class FileBodies {

	/** The agent sends standard Base64 with padding; accepted without, too. */
	private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withPaddingAllowed();

	private static final int BUFFER = 64 * 1024;

	private FileBodies() {
	}

	/**
	 * What the scan of a spooled response found.
	 *
	 * @param path the {@code path} field, or empty
	 * @param encoding the {@code encoding} field ({@code utf-8} when absent, as for
	 * {@code FileContent})
	 * @param contentOffset the byte offset of the opening quote of the {@code content} string, or
	 * -1 when there is no content (an empty file)
	 */
	public record Scan(String path, String encoding, long contentOffset) {
	}

	/**
	 * Writes a response body to a new file in a directory as it arrives, releasing each buffer
	 * once written. The file is deleted when the body fails or the write is cancelled.
	 * @param body the response body
	 * @param directory where to create the file
	 * @return the file, once the whole body is in it
	 */
	public static Mono<Path> spool(Flux<DataBuffer> body, Path directory) {
		return Mono.defer(() -> {
			Path spool;
			try {
				spool = Files.createTempFile(directory, ".together-sandbox-", ".download");
			}
			catch (IOException ex) {
				return Mono.error(new UncheckedIOException(ex));
			}
			return DataBufferUtils.write(body, spool, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
				.thenReturn(spool)
				.doOnError((error) -> deleteQuietly(spool))
				.doOnCancel(() -> deleteQuietly(spool));
		});
	}

	/**
	 * Scans a spooled response: its fields, and where the content starts, without reading the
	 * content into memory.
	 * @param spool the spooled JSON
	 * @return what was found
	 * @throws IOException when the file cannot be read or is not a JSON object of the expected
	 * shape
	 */
	public static Scan scan(Path spool) throws IOException {
		String path = "";
		String encoding = "utf-8";
		long contentOffset = -1;
		try (JsonParser parser = Json.mapper().createParser(Files.newInputStream(spool))) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new IOException("expected a JSON object");
			}
			for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
				if (token != JsonToken.PROPERTY_NAME) {
					throw new IOException("expected a property, found " + token);
				}
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (name) {
					case "content" -> {
						if (value == JsonToken.VALUE_STRING) {
							// Not read here: the next nextToken() skips the string without keeping it.
							contentOffset = parser.currentTokenLocation().getByteOffset();
						}
						else if (value != JsonToken.VALUE_NULL) {
							throw new IOException("content is not a string but " + value);
						}
					}
					case "path" -> path = stringOr(parser, value, path);
					case "encoding" -> encoding = stringOr(parser, value, encoding);
					default -> parser.skipChildren();
				}
			}
		}
		catch (JacksonException ex) {
			throw new IOException(Json.describe(ex), ex);
		}
		return new Scan(path, encoding, contentOffset);
	}

	private static String stringOr(JsonParser parser, JsonToken value, String fallback) {
		if (value == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		parser.skipChildren();
		return fallback;
	}

	/**
	 * Decodes the content of a scanned response into a stream, which is flushed but not closed.
	 * @param spool the spooled JSON
	 * @param scan its scan
	 * @param out where the file's bytes go
	 * @return how many bytes were written
	 * @throws IOException when the spool cannot be read or the content is malformed
	 * @throws TargetWriteException when writing to {@code out} fails
	 * @throws TogetherSandboxException when the encoding is not one the API documents
	 */
	public static long decode(Path spool, Scan scan, OutputStream out) throws IOException {
		if (!"utf-8".equals(scan.encoding()) && !"base64".equals(scan.encoding())) {
			throw new TogetherSandboxException("The content of " + Repr.quote(scan.path())
					+ " has an unsupported encoding " + Repr.quote(scan.encoding()));
		}
		if (scan.contentOffset() < 0) {
			return 0;
		}
		CountingOutput target = new CountingOutput(out);
		if ("base64".equals(scan.encoding())) {
			decodeBase64(spool, target);
		}
		else {
			copyText(spool, scan.contentOffset(), target);
		}
		target.flush();
		return target.count;
	}

	private static void decodeBase64(Path spool, CountingOutput target) throws IOException {
		try (JsonParser parser = Json.mapper().createParser(Files.newInputStream(spool))) {
			parser.nextToken();
			for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
				String name = parser.currentName();
				parser.nextToken();
				if ("content".equals(name) && parser.currentToken() == JsonToken.VALUE_STRING) {
					parser.readBinaryValue(BASE64, target);
					return;
				}
				parser.skipChildren();
			}
		}
		catch (TargetWriteException ex) {
			throw ex;
		}
		catch (JacksonException ex) {
			// A write failure of the target surfaces wrapped by Jackson.
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof TargetWriteException failure) {
					throw failure;
				}
			}
			throw new IOException("the content is not valid Base64: " + Json.describe(ex), ex);
		}
	}

	/**
	 * Copies the JSON string at an offset (its opening quote) to a stream as UTF-8: its bytes
	 * unchanged, its escapes resolved (a lone surrogate becomes {@code ?}, as
	 * {@code String.getBytes} makes it).
	 */
	private static void copyText(Path spool, long offset, CountingOutput target) throws IOException {
		try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.READ)) {
			channel.position(offset);
			Reader in = new Reader(Channels.newInputStream(channel));
			if (in.next() != '"') {
				throw new IOException("the content string does not start where the parser found it");
			}
			int pendingHighSurrogate = -1;
			while (true) {
				if (in.pos == in.limit && !in.fill()) {
					throw new IOException("the content string is not terminated");
				}
				// The longest run of plain bytes in the buffer goes out in one write.
				byte[] buf = in.buf;
				int start = in.pos;
				int i = start;
				while (i < in.limit && buf[i] != '"' && buf[i] != '\\') {
					i++;
				}
				if (i > start) {
					if (pendingHighSurrogate >= 0) {
						target.write('?');
						pendingHighSurrogate = -1;
					}
					target.write(buf, start, i - start);
					in.pos = i;
					continue;
				}
				if (in.next() == '"') {
					if (pendingHighSurrogate >= 0) {
						target.write('?');
					}
					return;
				}
				int ch = switch (in.next()) {
					case '"' -> '"';
					case '\\' -> '\\';
					case '/' -> '/';
					case 'b' -> '\b';
					case 'f' -> '\f';
					case 'n' -> '\n';
					case 'r' -> '\r';
					case 't' -> '\t';
					case 'u' -> in.hex4();
					default -> throw new IOException("invalid escape in the content string");
				};
				if (Character.isLowSurrogate((char) ch) && pendingHighSurrogate >= 0) {
					target.writeCodePoint(Character.toCodePoint((char) pendingHighSurrogate, (char) ch));
					pendingHighSurrogate = -1;
					continue;
				}
				if (pendingHighSurrogate >= 0) {
					target.write('?');
					pendingHighSurrogate = -1;
				}
				if (Character.isHighSurrogate((char) ch)) {
					pendingHighSurrogate = ch;
				}
				else if (Character.isLowSurrogate((char) ch)) {
					target.write('?');
				}
				else {
					target.writeCodePoint(ch);
				}
			}
		}
	}

	/** A buffered byte reader without the locking of {@code BufferedInputStream}. */
	private static final class Reader {

		private final InputStream in;

		private final byte[] buf = new byte[BUFFER];

		private int pos;

		private int limit;

		Reader(InputStream in) {
			this.in = in;
		}

		boolean fill() throws IOException {
			int read = this.in.readNBytes(this.buf, 0, this.buf.length);
			this.pos = 0;
			this.limit = Math.max(0, read);
			return this.limit > 0;
		}

		int next() throws IOException {
			if (this.pos == this.limit && !fill()) {
				throw new IOException("the content string is not terminated");
			}
			return this.buf[this.pos++] & 0xFF;
		}

		int hex4() throws IOException {
			int value = 0;
			for (int i = 0; i < 4; i++) {
				int digit = Character.digit(next(), 16);
				if (digit < 0) {
					throw new IOException("invalid \\u escape in the content string");
				}
				value = (value << 4) | digit;
			}
			return value;
		}

	}

	/**
	 * Deletes a file, ignoring failures (a temporary file that could not be removed is left
	 * behind, never an error of the call).
	 * @param file the file, or {@code null}
	 */
	public static void deleteQuietly(@Nullable Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Left behind in its directory.
		}
	}

	/**
	 * Writing to the destination of a download failed (not the response: the caller's stream or
	 * file).
	 */
	public static final class TargetWriteException extends UncheckedIOException {

		private static final long serialVersionUID = 1L;

		TargetWriteException(IOException cause) {
			super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
		}

	}

	/** Counts what goes through, and tells the destination's failures apart. */
	private static final class CountingOutput extends OutputStream {

		private final OutputStream out;

		private long count;

		CountingOutput(OutputStream out) {
			this.out = out;
		}

		@Override
		public void write(int b) {
			try {
				this.out.write(b);
			}
			catch (IOException ex) {
				throw new TargetWriteException(ex);
			}
			this.count++;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			if (length == 0) {
				return;
			}
			try {
				this.out.write(bytes, offset, length);
			}
			catch (IOException ex) {
				throw new TargetWriteException(ex);
			}
			this.count += length;
		}

		void writeCodePoint(int codePoint) {
			byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
			write(bytes, 0, bytes.length);
		}

		@Override
		public void flush() {
			try {
				this.out.flush();
			}
			catch (IOException ex) {
				throw new TargetWriteException(ex);
			}
		}

	}

}
