package ai.together.sandbox.internal.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

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
 * Each event may hold at most {@value #MAX_EVENT_SIZE} bytes; a larger one fails the stream
 * rather than buffering without limit.
 * <p>
 * The decoder works on the bytes of each chunk where they are (no copy of the chunk, no string
 * per line): only the data of an event is copied, once, into a buffer of the decoder that is
 * reused from event to event, and a line split across two chunks on its way. A
 * {@link DataReader} reads each event's data from that buffer as soon as the event is complete
 * ({@link #decode(Flux, DataReader)}), so that a stream of JSON events allocates nothing per
 * event but what its reader makes; {@link #decode(Flux)} gives each event a copy of its own.
 */
public final class SseDecoder {

	/** Largest event (data plus one line being read) accepted, in bytes. */
	public static final int MAX_EVENT_SIZE = 16 * 1024 * 1024;

	private static final int SHRINK_ABOVE = 64 * 1024;

	/** {@code \n} in every byte of a long. */
	private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;

	/** {@code \r} in every byte of a long. */
	private static final long CARRIAGE_RETURNS = 0x0D0D0D0D0D0D0D0DL;

	/**
	 * Reads the data of each event as it is completed, for example as JSON.
	 *
	 * @param <T> what an event is read as
	 */
	@FunctionalInterface
	public interface DataReader<T> {

		/**
		 * Reads one event. The bytes belong to the decoder and are overwritten by the next event:
		 * read them during the call, never keep the array.
		 * @param event the {@code event} field, or {@code null} when the event had none
		 * @param id the last {@code id} field seen on the stream so far, or {@code null}
		 * @param data holds the {@code data} lines joined with {@code \n} (never empty), as the
		 * server sent them in UTF-8
		 * @param offset where they start in {@code data}
		 * @param length how many bytes they have
		 * @return the event as read, not {@code null}
		 */
		T read(@Nullable String event, @Nullable String id, byte[] data, int offset, int length);

	}

	/**
	 * One server-sent event.
	 */
	public static final class Event {

		private final @Nullable String event;

		private final @Nullable String id;

		private final byte[] data;

		/**
		 * Creates an event.
		 * @param event the {@code event} field, or {@code null} when the event had none
		 * @param id the last {@code id} field seen on the stream so far, or {@code null}
		 * @param data the {@code data} lines joined with {@code \n}
		 */
		public Event(@Nullable String event, @Nullable String id, String data) {
			this(event, id, data.getBytes(StandardCharsets.UTF_8));
		}

		Event(@Nullable String event, @Nullable String id, byte[] data) {
			this.event = event;
			this.id = id;
			this.data = data;
		}

		private static Event copyOf(@Nullable String event, @Nullable String id, byte[] data, int offset,
				int length) {
			return new Event(event, id, Arrays.copyOfRange(data, offset, offset + length));
		}

		/**
		 * Returns the {@code event} field.
		 * @return the field, or {@code null} when the event had none
		 */
		public @Nullable String event() {
			return this.event;
		}

		/**
		 * Returns the last {@code id} field seen on the stream so far.
		 * @return the id, or {@code null}
		 */
		public @Nullable String id() {
			return this.id;
		}

		/**
		 * Returns the data: the {@code data} lines joined with {@code \n} (never empty), decoded
		 * from UTF-8 (invalid UTF-8 becomes U+FFFD).
		 * @return the data
		 */
		public String data() {
			return new String(this.data, StandardCharsets.UTF_8);
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof Event that) && Objects.equals(this.event, that.event)
					&& Objects.equals(this.id, that.id) && Arrays.equals(this.data, that.data);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.event, this.id, Arrays.hashCode(this.data));
		}

		@Override
		public String toString() {
			return "Event[event=" + this.event + ", id=" + this.id + ", data=" + data() + "]";
		}

	}

	private final int maxEventSize;

	/** The start of a line that the previous chunk ended in the middle of. */
	private byte[] line = new byte[256];

	private int lineLength;

	private boolean afterCarriageReturn;

	private boolean firstLine = true;

	/** The data lines of the event being read, each followed by {@code \n}. */
	private byte[] data = new byte[256];

	private int dataLength;

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
		return decode(body, Event::copyOf);
	}

	/**
	 * Decodes a body and reads each event's data as soon as the event is complete, with no copy
	 * of the data per event. Each subscription decodes independently; every buffer is released,
	 * also those still queued when the subscriber cancels. When the reader fails, the events read
	 * before are delivered and the stream then fails with the reader's exception.
	 * @param <T> what an event is read as
	 * @param body the body as it arrives
	 * @param reader reads each event
	 * @return the events as read
	 */
	public static <T> Flux<T> decode(Flux<DataBuffer> body, DataReader<T> reader) {
		return decode(body, reader, MAX_EVENT_SIZE);
	}

	/**
	 * Decodes a body into events with a specific size limit.
	 * @param body the body as it arrives
	 * @param maxEventSize the largest event accepted
	 * @return the events
	 */
	static Flux<Event> decode(Flux<DataBuffer> body, int maxEventSize) {
		return decode(body, Event::copyOf, maxEventSize);
	}

	private static <T> Flux<T> decode(Flux<DataBuffer> body, DataReader<T> reader, int maxEventSize) {
		return Flux.defer(() -> {
			SseDecoder decoder = new SseDecoder(maxEventSize);
			// Small prefetch: one chunk usually holds several events, and a slow consumer must
			// leave the rest of the body in the socket (backpressure), not in a queue here.
			// No flush at the end of the body: what is still pending then is an unterminated event,
			// which is discarded.
			return body.concatMapIterable((buffer) -> decoder.feed(buffer, reader), 2);
		}).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
	}

	/**
	 * Consumes one chunk and releases it.
	 * @param buffer the chunk
	 * @param reader reads each event completed
	 * @return the events completed by it, as read; when decoding or reading one failed, those
	 * before it and then the failure
	 */
	<T> Iterable<T> feed(DataBuffer buffer, DataReader<T> reader) {
		List<T> events = new ArrayList<>(2);
		Sink<T> sink = new Sink<>(reader, events);
		try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
			while (views.hasNext()) {
				feed(views.next(), sink);
			}
		}
		catch (RuntimeException ex) {
			// The events this chunk completed before the failure were received whole: deliver them.
			return new Failed<>(events, ex);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return events;
	}

	private void feed(ByteBuffer bytes, Sink<?> sink) {
		int end = bytes.limit();
		int start = bytes.position();
		for (int i = lineEnd(bytes, start, end); i < end; i = lineEnd(bytes, start, end)) {
			byte b = bytes.get(i);
			if (b == '\n' && this.afterCarriageReturn && i == start && this.lineLength == 0) {
				// Second half of a \r\n pair whose \r ended the previous chunk (or line).
				this.afterCarriageReturn = false;
				start = i + 1;
				continue;
			}
			if (this.lineLength == 0) {
				// The whole line is in this chunk: read it where it is.
				processLine(bytes, start, i, sink);
			}
			else {
				carry(bytes, start, i - start);
				processCarriedLine(sink);
			}
			this.afterCarriageReturn = (b == '\r');
			start = i + 1;
		}
		if (start < end) {
			carry(bytes, start, end - start);
			this.afterCarriageReturn = false;
		}
	}

	/**
	 * The index of the first {@code \n} or {@code \r} in {@code [from, end)} of {@code bytes}, or
	 * {@code end}. Eight bytes at a time: an event's data line is kilobytes long, and a test of
	 * each byte on its own was the decoder's hottest loop.
	 */
	static int lineEnd(ByteBuffer bytes, int from, int end) {
		int i = from;
		for (; i <= end - Long.BYTES; i += Long.BYTES) {
			long word = bytes.getLong(i);
			// Both tests in one branch: the loop runs once per 8 bytes of every line.
			if ((zeroBytes(word ^ LINE_FEEDS) | zeroBytes(word ^ CARRIAGE_RETURNS)) != 0) {
				break;
			}
		}
		for (; i < end; i++) {
			byte b = bytes.get(i);
			if (b == '\n' || b == '\r') {
				return i;
			}
		}
		return end;
	}

	/**
	 * Non-zero exactly when a byte of {@code word} is zero, whatever the byte order (the classic
	 * test for a zero byte); {@code word ^ pattern} finds the bytes equal to {@code pattern}'s.
	 */
	private static long zeroBytes(long word) {
		return (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
	}

	private void carry(ByteBuffer bytes, int offset, int length) {
		if (length == 0) {
			return;
		}
		int needed = this.lineLength + length;
		if ((long) needed + this.dataLength > this.maxEventSize) {
			throw tooLarge();
		}
		if (needed > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(needed, this.line.length * 2));
		}
		bytes.get(offset, this.line, this.lineLength, length);
		this.lineLength = needed;
	}

	private void processCarriedLine(Sink<?> sink) {
		int length = this.lineLength;
		this.lineLength = 0;
		processLine(ByteBuffer.wrap(this.line, 0, length), 0, length, sink);
		if (this.line.length > SHRINK_ABOVE) {
			// Do not keep a huge buffer alive after one large event.
			this.line = new byte[256];
		}
	}

	/** Interprets the line {@code [from, to)} of {@code bytes} (without its line end). */
	private void processLine(ByteBuffer bytes, int from, int to, Sink<?> sink) {
		int start = from;
		if (this.firstLine) {
			this.firstLine = false;
			if (to - start >= 3 && bytes.get(start) == (byte) 0xEF && bytes.get(start + 1) == (byte) 0xBB
					&& bytes.get(start + 2) == (byte) 0xBF) {
				// The byte-order mark, U+FEFF in UTF-8.
				start += 3;
			}
		}
		if (start == to) {
			dispatch(sink);
			return;
		}
		if (bytes.get(start) == ':') {
			return;
		}
		int colon = start;
		while (colon < to && bytes.get(colon) != ':') {
			colon++;
		}
		int valueStart = to;
		if (colon < to) {
			valueStart = colon + 1;
			if (valueStart < to && bytes.get(valueStart) == ' ') {
				valueStart++;
			}
		}
		int fieldLength = colon - start;
		if (fieldLength == 4 && is(bytes, start, 'd', 'a', 't', 'a')) {
			appendData(bytes, valueStart, to - valueStart);
		}
		else if (fieldLength == 5 && is(bytes, start, 'e', 'v', 'e', 'n') && bytes.get(start + 4) == 't') {
			this.eventType = text(bytes, valueStart, to);
		}
		else if (fieldLength == 2 && bytes.get(start) == 'i' && bytes.get(start + 1) == 'd') {
			String value = text(bytes, valueStart, to);
			// The specification ignores ids containing NUL.
			if (value.indexOf('\0') < 0) {
				this.lastId = value;
			}
		}
		// "retry" and unknown fields carry nothing the agent API uses.
	}

	private static boolean is(ByteBuffer bytes, int at, char a, char b, char c, char d) {
		return bytes.get(at) == a && bytes.get(at + 1) == b && bytes.get(at + 2) == c && bytes.get(at + 3) == d;
	}

	private static String text(ByteBuffer bytes, int from, int to) {
		byte[] copy = new byte[to - from];
		bytes.get(from, copy);
		return new String(copy, StandardCharsets.UTF_8);
	}

	private void appendData(ByteBuffer bytes, int from, int length) {
		int needed = this.dataLength + length + 1;
		if (needed > this.maxEventSize) {
			throw tooLarge();
		}
		if (needed > this.data.length) {
			this.data = Arrays.copyOf(this.data, Math.max(needed, this.data.length * 2));
		}
		bytes.get(from, this.data, this.dataLength, length);
		this.data[needed - 1] = '\n';
		this.dataLength = needed;
		this.hasData = true;
	}

	private void dispatch(Sink<?> sink) {
		// Without the last line's \n; an event whose data is empty is skipped.
		if (this.hasData && this.dataLength > 1) {
			sink.read(this.eventType, this.lastId, this.data, this.dataLength - 1);
		}
		this.dataLength = 0;
		if (this.data.length > SHRINK_ABOVE) {
			this.data = new byte[256];
		}
		this.hasData = false;
		this.eventType = null;
	}

	/** The reader of a stream and the events of the chunk being fed. */
	private record Sink<T>(DataReader<T> reader, List<T> events) {

		void read(@Nullable String event, @Nullable String id, byte[] data, int length) {
			T value = this.reader.read(event, id, data, 0, length);
			this.events.add(Objects.requireNonNull(value, "the event reader returned null"));
		}

	}

	/**
	 * The events of a chunk that failed: iterating delivers them, then throws the failure, which
	 * Reactor turns into the stream's error.
	 */
	private record Failed<T>(List<T> events, RuntimeException failure) implements Iterable<T> {

		@Override
		public Iterator<T> iterator() {
			Iterator<T> delivered = this.events.iterator();
			return new Iterator<>() {

				@Override
				public boolean hasNext() {
					if (delivered.hasNext()) {
						return true;
					}
					throw Failed.this.failure;
				}

				@Override
				public T next() {
					return delivered.next();
				}

			};
		}

	}

	private TogetherSandboxException tooLarge() {
		return new TogetherSandboxException(
				"Server-sent event larger than " + this.maxEventSize + " bytes; the stream was closed");
	}

}
