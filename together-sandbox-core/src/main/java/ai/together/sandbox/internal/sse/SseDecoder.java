package ai.together.sandbox.internal.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.together.sandbox.errors.TogetherSandboxException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The one server-sent-events reader of the client: turns a response body, delivered in chunks
 * split anywhere, into events. It follows the
 * <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">
 * WHATWG event-stream rules</a>, with the two departures the Python SDK makes (PROTOCOL.md §3.6):
 * <ul>
 * <li>lines end with {@code \n}, {@code \r\n} or {@code \r}, also when a {@code \r\n} pair or a
 * multi-byte UTF-8 character is split across two chunks; a leading byte-order mark is dropped;
 * invalid UTF-8 becomes U+FFFD;</li>
 * <li>a line starting with {@code :} is a comment; other lines are split at the first {@code :}
 * into field and value, and <em>one</em> leading space of the value is removed, as the
 * specification says (the Python SDK strips all leading whitespace; for the JSON payloads of the
 * agent API both give the same result); a line without {@code :} is a field with an empty
 * value;</li>
 * <li>{@code data} lines of one event are joined with {@code \n}; {@code event} and {@code id}
 * are reported ({@code id} persists across events, as specified); {@code retry} and unknown fields
 * are ignored;</li>
 * <li>a blank line ends an event; an event whose joined data is empty is skipped (Python);</li>
 * <li>an event still open when the body ends (no blank line after it, or a last line without
 * line end) is discarded, as the specification says: the body ended in the middle of it, so it
 * may be cut short. (The Python SDK delivers it, and then fails on its truncated JSON.) The
 * stream then simply ends: an exec output stream resumes from the last event delivered, any
 * other stream completes as when the server ends it between two events.</li>
 * </ul>
 * Each event may hold at most {@value #MAX_EVENT_SIZE} characters; a larger one fails the stream
 * rather than buffering without limit.
 */
public final class SseDecoder {

	/** Largest event (data plus one line being read) accepted, in characters or bytes. */
	public static final int MAX_EVENT_SIZE = 16 * 1024 * 1024;

	private static final char BYTE_ORDER_MARK = '\uFEFF';

	/**
	 * One server-sent event.
	 *
	 * @param event the {@code event} field, or {@code null} when the event had none
	 * @param id the last {@code id} field seen on the stream so far, or {@code null}
	 * @param data the {@code data} lines joined with {@code \n} (never empty)
	 */
	public record Event(@Nullable String event, @Nullable String id, String data) {
	}

	private final int maxEventSize;

	private byte[] line = new byte[256];

	private int lineLength;

	private boolean afterCarriageReturn;

	private boolean firstLine = true;

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private @Nullable String eventType;

	private @Nullable String lastId;

	private SseDecoder(int maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Decodes a body into events. Each subscription decodes independently; every buffer is
	 * released, also those still queued when the subscriber cancels.
	 * @param body the body as it arrives
	 * @return the events
	 */
	public static Flux<Event> decode(Flux<DataBuffer> body) {
		return decode(body, MAX_EVENT_SIZE);
	}

	/**
	 * Decodes a body into events with a specific size limit.
	 * @param body the body as it arrives
	 * @param maxEventSize the largest event accepted
	 * @return the events
	 */
	static Flux<Event> decode(Flux<DataBuffer> body, int maxEventSize) {
		return Flux.defer(() -> {
			SseDecoder decoder = new SseDecoder(maxEventSize);
			// Small prefetch: one chunk usually holds several events, and a slow consumer must
			// leave the rest of the body in the socket (backpressure), not in a queue here.
			// No flush at the end of the body: what is still pending then is an unterminated event,
			// which is discarded.
			return body.concatMapIterable(decoder::feed, 2);
		}).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
	}

	/**
	 * Consumes one chunk and releases it.
	 * @param buffer the chunk
	 * @return the events completed by it
	 */
	List<Event> feed(DataBuffer buffer) {
		byte[] bytes;
		try {
			bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return feed(bytes, 0, bytes.length);
	}

	List<Event> feed(byte[] bytes, int offset, int length) {
		List<Event> events = new ArrayList<>(2);
		int end = offset + length;
		int start = offset;
		for (int i = offset; i < end; i++) {
			byte b = bytes[i];
			if (b != '\n' && b != '\r') {
				continue;
			}
			if (b == '\n' && this.afterCarriageReturn && i == start && this.lineLength == 0) {
				// Second half of a \r\n pair whose \r ended the previous chunk (or line).
				this.afterCarriageReturn = false;
				start = i + 1;
				continue;
			}
			append(bytes, start, i - start);
			endLine(events);
			this.afterCarriageReturn = (b == '\r');
			start = i + 1;
		}
		if (start < end) {
			append(bytes, start, end - start);
			this.afterCarriageReturn = false;
		}
		return events;
	}

	private void append(byte[] bytes, int offset, int length) {
		if (length == 0) {
			return;
		}
		int needed = this.lineLength + length;
		if (needed + this.data.length() > this.maxEventSize) {
			throw tooLarge();
		}
		if (needed > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(needed, this.line.length * 2));
		}
		System.arraycopy(bytes, offset, this.line, this.lineLength, length);
		this.lineLength = needed;
	}

	private void endLine(List<Event> events) {
		// Decoding whole lines (not chunks) keeps a multi-byte character split across chunks intact.
		String text = new String(this.line, 0, this.lineLength, StandardCharsets.UTF_8);
		this.lineLength = 0;
		if (this.line.length > 64 * 1024) {
			// Do not keep a huge buffer alive after one large event.
			this.line = new byte[256];
		}
		if (this.firstLine) {
			this.firstLine = false;
			if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
				text = text.substring(1);
			}
		}
		processLine(text, events);
	}

	private void processLine(String text, List<Event> events) {
		if (text.isEmpty()) {
			dispatch(events);
			return;
		}
		if (text.charAt(0) == ':') {
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon >= 0) ? text.substring(0, colon) : text;
		String value = "";
		if (colon >= 0) {
			int valueStart = colon + 1;
			if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
				valueStart++;
			}
			value = text.substring(valueStart);
		}
		switch (field) {
			case "data" -> {
				if (this.data.length() + value.length() + 1 > this.maxEventSize) {
					throw tooLarge();
				}
				this.data.append(value).append('\n');
				this.hasData = true;
			}
			case "event" -> this.eventType = value;
			case "id" -> {
				// The specification ignores ids containing NUL.
				if (value.indexOf('\0') < 0) {
					this.lastId = value;
				}
			}
			default -> {
				// "retry" and unknown fields carry nothing the agent API uses.
			}
		}
	}

	private void dispatch(List<Event> events) {
		if (this.hasData) {
			this.data.setLength(this.data.length() - 1); // the last line's \n
			if (!this.data.isEmpty()) {
				events.add(new Event(this.eventType, this.lastId, this.data.toString()));
			}
		}
		this.data.setLength(0);
		if (this.data.capacity() > 64 * 1024) {
			this.data.trimToSize();
		}
		this.hasData = false;
		this.eventType = null;
	}

	private TogetherSandboxException tooLarge() {
		return new TogetherSandboxException(
				"Server-sent event larger than " + this.maxEventSize + " characters; the stream was closed");
	}

}
