package ai.together.sandbox.emulator.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket: it sends exactly the bytes it is given
 * (any method, any request-target, however malformed) with {@code Connection: close}, and reads
 * one response. A server-sent-event response is not read past its headers.
 */
final class RawHttp {

	private static final int TIMEOUT_MILLIS = 10_000;

	private RawHttp() {
	}

	/**
	 * One response.
	 *
	 * @param status the status code, or 0 when the server closed without answering
	 * @param headers the headers, names lower-cased
	 * @param body the body (empty for a stream)
	 */
	record Response(int status, Map<String, String> headers, byte[] body) {

		String contentType() {
			return this.headers.getOrDefault("content-type", "");
		}

		String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	/**
	 * Sends a request and reads the response.
	 * @param port the server's port on 127.0.0.1
	 * @param method the method token, sent as is
	 * @param target the request-target, sent as is
	 * @param headers extra headers (Host, Connection and Content-Length are added)
	 * @param body the body, or {@code null} for none
	 * @return the response
	 * @throws IOException when the exchange fails
	 */
	static Response send(int port, String method, String target, Map<String, String> headers, byte @Nullable [] body)
			throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			StringBuilder head = new StringBuilder();
			head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
			head.append("Host: 127.0.0.1:").append(port).append("\r\n");
			head.append("Connection: close\r\n");
			headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
			if (body != null) {
				head.append("Content-Length: ").append(body.length).append("\r\n");
			}
			head.append("\r\n");
			OutputStream out = socket.getOutputStream();
			try {
				out.write(head.toString().getBytes(StandardCharsets.UTF_8));
				if (body != null) {
					out.write(body);
				}
				out.flush();
			}
			catch (IOException ex) {
				// The server may answer (413) and close before the whole body is sent: read anyway.
			}
			return read(socket.getInputStream());
		}
	}

	private static Response read(InputStream in) throws IOException {
		String statusLine = readLine(in);
		if (statusLine == null) {
			return new Response(0, Map.of(), new byte[0]);
		}
		String[] parts = statusLine.split(" ", 3);
		int status = Integer.parseInt(parts[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		String line;
		while ((line = readLine(in)) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
		}
		if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
			return new Response(status, headers, new byte[0]);
		}
		byte[] body;
		if (headers.containsKey("content-length")) {
			body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
		}
		else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = readChunked(in);
		}
		else {
			body = readToEnd(in);
		}
		return new Response(status, headers, body);
	}

	private static byte[] readChunked(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		String size;
		while ((size = readLine(in)) != null) {
			int length = Integer.parseInt(size.split(";")[0].trim(), 16);
			if (length == 0) {
				break;
			}
			body.write(in.readNBytes(length));
			readLine(in);
		}
		return body.toByteArray();
	}

	private static byte[] readToEnd(InputStream in) throws IOException {
		try {
			return in.readAllBytes();
		}
		catch (SocketTimeoutException ex) {
			throw new IOException("the server neither ended nor delimited its response", ex);
		}
	}

	private static @Nullable String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) >= 0) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	/** Writes {@code Authorization: Bearer <token>}. */
	static Map<String, String> bearer(String token) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Authorization", "Bearer " + token);
		return headers;
	}

}
