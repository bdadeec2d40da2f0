package ai.together.sandbox.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a FileReadResponse ({@code {"path": ..., "content": ..., "encoding": ...}}, string fields
 * only) from a stream without holding its content: the unescaped {@code content} string goes to a
 * stream as UTF-8, so that a test can check a file of many megabytes with little memory.
 */
final class StreamedFileResponse {

	private final InputStream in;

	private final byte[] buffer = new byte[64 * 1024];

	private int position;

	private int limit;

	private StreamedFileResponse(InputStream in) {
		this.in = in;
	}

	/**
	 * Reads the object.
	 * @param body the JSON body
	 * @param content receives the unescaped {@code content} string as UTF-8
	 * @return the other fields
	 * @throws IOException if the body is not such an object
	 */
	static Map<String, String> read(InputStream body, OutputStream content) throws IOException {
		return new StreamedFileResponse(body).object(content);
	}

	private Map<String, String> object(OutputStream content) throws IOException {
		Map<String, String> fields = new LinkedHashMap<>();
		expect('{');
		int c = next();
		while (c != '}') {
			if (c != '"') {
				throw new IOException("expected a field name, got " + describe(c));
			}
			String name = string();
			expect(':');
			expect('"');
			if (name.equals("content")) {
				string(content);
			}
			else {
				fields.put(name, string());
			}
			c = next();
			if (c == ',') {
				c = next();
			}
		}
		return fields;
	}

	private static String describe(int c) {
		return c < 0 ? "the end" : "'" + (char) c + "'";
	}

	private int read() throws IOException {
		if (this.position == this.limit) {
			this.limit = this.in.read(this.buffer);
			this.position = 0;
			if (this.limit <= 0) {
				this.limit = 0;
				return -1;
			}
		}
		return this.buffer[this.position++] & 0xff;
	}

	private void expect(char expected) throws IOException {
		int c = next();
		if (c != expected) {
			throw new IOException("expected '" + expected + "', got " + describe(c));
		}
	}

	private int next() throws IOException {
		int c;
		do {
			c = read();
		}
		while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
		return c;
	}

	private String string() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		string(out);
		return out.toString(StandardCharsets.UTF_8);
	}

	/** Reads the rest of a string whose opening quote was read, unescaped, as UTF-8. */
	private void string(OutputStream out) throws IOException {
		while (true) {
			// Copies the run of plain bytes in the buffer at once.
			int start = this.position;
			while (this.position < this.limit && this.buffer[this.position] != '"' && this.buffer[this.position] != '\\') {
				this.position++;
			}
			out.write(this.buffer, start, this.position - start);
			int b = read();
			if (b < 0) {
				throw new IOException("unterminated string");
			}
			if (b == '"') {
				return;
			}
			if (b != '\\') {
				out.write(b);
				continue;
			}
			int e = read();
			String unescaped = switch (e) {
				case '"', '\\', '/' -> String.valueOf((char) e);
				case 'b' -> "\b";
				case 'f' -> "\f";
				case 'n' -> "\n";
				case 'r' -> "\r";
				case 't' -> "\t";
				case 'u' -> String.valueOf((char) Integer.parseInt(new String(new byte[] { (byte) read(), (byte) read(),
						(byte) read(), (byte) read() }, StandardCharsets.US_ASCII), 16));
				default -> throw new IOException("bad escape \\" + describe(e));
			};
			out.write(unescaped.getBytes(StandardCharsets.UTF_8));
		}
	}

}
