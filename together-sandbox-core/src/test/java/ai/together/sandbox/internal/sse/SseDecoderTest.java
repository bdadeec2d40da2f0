package ai.together.sandbox.internal.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.sse.SseDecoder.Event;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

class SseDecoderTest {

	private static final DefaultDataBufferFactory FACTORY = DefaultDataBufferFactory.sharedInstance;

	@Test
	void decodesTheSameEventsWhereverTheBodyIsSplit() {
		String body = "\uFEFF: comment first\r\n" + "event: output\r\n" + "id: 7\r\n"
				+ "data: {\"output\":\"héllo 世界 🌍\"}\r\n" + "\r\n" + "data: line one\r" + "data:line two\r"
				+ "data:  indented\r" + "\r" + ": keep-alive\n" + "retry: 100\n" + "unknown: x\n"
				+ "data: last\n\n";
		List<Event> expected = List.of(new Event("output", "7", "{\"output\":\"héllo 世界 🌍\"}"),
				new Event(null, "7", "line one\nline two\n indented"), new Event(null, "7", "last"));
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		assertThat(decode(List.of(bytes))).isEqualTo(expected);
		for (int split = 1; split < bytes.length; split++) {
			List<byte[]> chunks = List.of(Arrays.copyOfRange(bytes, 0, split),
					Arrays.copyOfRange(bytes, split, bytes.length));
			assertThat(decode(chunks)).as("split at byte %d", split).isEqualTo(expected);
		}
		List<byte[]> singleBytes = new ArrayList<>();
		for (byte b : bytes) {
			singleBytes.add(new byte[] { b });
		}
		assertThat(decode(singleBytes)).isEqualTo(expected);
	}

	@Test
	void treatsCarriageReturnLineFeedSplitAcrossChunksAsOneLineEnd() {
		// Were the \n read as a second line end, it would be a blank line ending the event early.
		assertThat(decode(chunks("data: a\r", "\ndata: b\r\n\r\n"))).containsExactly(new Event(null, null, "a\nb"));
	}

	@Test
	void keepsAMultiByteCharacterSplitAcrossChunks() {
		byte[] bytes = "data: 世🌍\n\n".getBytes(StandardCharsets.UTF_8);
		// 世 is E4 B8 96: cut after its first byte, and the emoji's four bytes in the middle.
		List<byte[]> chunks = List.of(Arrays.copyOfRange(bytes, 0, 7), Arrays.copyOfRange(bytes, 7, 11),
				Arrays.copyOfRange(bytes, 11, bytes.length));
		assertThat(decode(chunks)).containsExactly(new Event(null, null, "世🌍"));
	}

	@Test
	void stripsExactlyOneLeadingSpaceOfAValue() {
		assertThat(decode(chunks("data:x\n\ndata: y\n\ndata:   z\n\n"))).extracting(Event::data)
			.containsExactly("x", "y", "  z");
	}

	@Test
	void skipsEventsWithoutDataOrWithEmptyData() {
		assertThat(decode(chunks("data:\n\nevent: ping\n\nid: 1\n\ndata\n\ndata: {\"a\":1}\n\n")))
			.containsExactly(new Event(null, "1", "{\"a\":1}"));
	}

	@Test
	void treatsALineWithoutColonAsAFieldWithAnEmptyValue() {
		assertThat(decode(chunks("data\ndata: x\n\n"))).extracting(Event::data).containsExactly("\nx");
	}

	@Test
	void keepsTheLastIdAcrossEventsAndIgnoresAnIdWithNul() {
		assertThat(decode(chunks("id: a\ndata: 1\n\ndata: 2\n\nid: b\0c\ndata: 3\n\nid\ndata: 4\n\n")))
			.extracting(Event::id)
			.containsExactly("a", "a", "a", "");
	}

	@Test
	void resetsTheEventTypeAfterEachEvent() {
		assertThat(decode(chunks("event: first\ndata: 1\n\ndata: 2\n\n"))).extracting(Event::event)
			.containsExactly("first", null);
	}

	@Test
	void discardsAFinalEventWithoutBlankLine() {
		assertThat(decode(chunks("data: 1\n\ndata: 2\n"))).extracting(Event::data).containsExactly("1");
		assertThat(decode(chunks("data: 1\n\ndata: 2"))).extracting(Event::data).containsExactly("1");
		assertThat(decode(chunks("data: 1\r"))).isEmpty();
		assertThat(decode(chunks("data: 1\r\n\r\ndata: {\"type\":\"stdout\",\"output\":\"thr"))).extracting(Event::data)
			.containsExactly("1");
		// A blank line split from its event by a chunk boundary still ends it.
		assertThat(decode(chunks("data: 1\r", "\r"))).extracting(Event::data).containsExactly("1");
	}

	@Test
	void deliversNothingForAnEmptyBody() {
		assertThat(decode(List.of())).isEmpty();
		assertThat(decode(chunks(": only a comment\n\n"))).isEmpty();
	}

	@Test
	void replacesInvalidUtf8WithTheReplacementCharacter() {
		byte[] bytes = { 'd', 'a', 't', 'a', ':', ' ', (byte) 0xFF, 'x', '\n', '\n' };
		assertThat(decode(List.of(bytes))).extracting(Event::data).containsExactly("\uFFFDx");
	}

	@Test
	void failsAnEventLargerThanTheLimitInsteadOfBuffering() {
		Flux<DataBuffer> body = Flux.<DataBuffer>just(
				FACTORY.wrap("data: 0123456789\n".getBytes(StandardCharsets.UTF_8)),
				FACTORY.wrap("data: 0123456789\n\n".getBytes(StandardCharsets.UTF_8)));
		StepVerifier.create(SseDecoder.decode(body, 20))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TogetherSandboxException.class)
				.hasMessageContaining("larger than 20 bytes"))
			.verify();
		// One endless line is caught too.
		StepVerifier.create(SseDecoder.decode(Flux.<DataBuffer>just(FACTORY.wrap(new byte[100])), 20))
			.expectError(TogetherSandboxException.class)
			.verify();
	}

	@Test
	void readsEachEventWhereTheDecoderHoldsItWithoutACopyPerEvent() {
		List<byte[]> arrays = new ArrayList<>();
		Flux<DataBuffer> body = Flux.fromIterable(chunks("event: a\nid: 1\ndata: one\n\ndata: tw", "o\ndata: 2\n\n"))
			.map((bytes) -> (DataBuffer) FACTORY.wrap(bytes));
		List<String> read = SseDecoder.decode(body, (event, id, data, offset, length) -> {
			arrays.add(data);
			return event + "/" + id + "/" + new String(data, offset, length, StandardCharsets.UTF_8);
		}).collectList().block();
		assertThat(read).containsExactly("a/1/one", "null/1/two\n2");
		// One buffer of the decoder for both events, not an array of each event's own.
		assertThat(arrays).hasSize(2);
		assertThat(arrays.get(0)).isSameAs(arrays.get(1));
	}

	@Test
	void deliversTheEventsReadBeforeAFailureAndThenTheFailure() {
		// All three events in one chunk: the first is delivered, the reader fails on the second, and
		// the third is never read.
		List<String> seen = new CopyOnWriteArrayList<>();
		Flux<DataBuffer> body = Flux.just((DataBuffer) FACTORY.wrap(
				"data: ok\n\ndata: bad\n\ndata: after\n\n".getBytes(StandardCharsets.UTF_8)));
		StepVerifier.create(SseDecoder.decode(body, (event, id, data, offset, length) -> {
			String text = new String(data, offset, length, StandardCharsets.UTF_8);
			seen.add(text);
			if (text.equals("bad")) {
				throw new IllegalArgumentException("cannot read " + text);
			}
			return text;
		})).expectNext("ok").expectErrorMessage("cannot read bad").verify();
		assertThat(seen).containsExactly("ok", "bad");

		// The same for an event over the size limit after a complete one in the same chunk.
		Flux<DataBuffer> large = Flux.just((DataBuffer) FACTORY.wrap(
				"data: 1\n\ndata: 0123456789012345678901234\n\n".getBytes(StandardCharsets.UTF_8)));
		StepVerifier.create(SseDecoder.decode(large, 20))
			.expectNext(new Event(null, null, "1"))
			.expectErrorSatisfies((error) -> assertThat(error).hasMessageContaining("larger than 20 bytes"))
			.verify();
	}

	@Test
	void failsTheStreamWhenTheReaderReturnsNull() {
		Flux<DataBuffer> body = Flux.just((DataBuffer) FACTORY.wrap("data: x\n\n".getBytes(StandardCharsets.UTF_8)));
		StepVerifier.create(SseDecoder.decode(body, (event, id, data, offset, length) -> null))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(NullPointerException.class)
				.hasMessageContaining("returned null"))
			.verify();
	}

	@Test
	void releasesEveryBufferAlsoWhenTheSubscriberCancels() {
		NettyDataBufferFactory netty = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
		List<ByteBuf> emitted = new CopyOnWriteArrayList<>();
		Flux<DataBuffer> body = Flux.range(0, 50).map((i) -> {
			DataBuffer buffer = netty.wrap(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
			emitted.add(NettyDataBufferFactory.toByteBuf(buffer));
			return buffer;
		});
		StepVerifier.create(SseDecoder.decode(body), 0).thenRequest(3).expectNextCount(3).thenCancel().verify();
		assertThat(emitted).isNotEmpty().allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());

		emitted.clear();
		StepVerifier.create(SseDecoder.decode(body)).expectNextCount(50).verifyComplete();
		assertThat(emitted).hasSize(50).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	@Test
	void requestsTheBodyLazilyNotAllAtOnce() {
		List<Long> requested = new CopyOnWriteArrayList<>();
		Flux<DataBuffer> body = Flux.range(0, 1000)
			.map((i) -> (DataBuffer) FACTORY.wrap(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8)))
			.doOnRequest(requested::add);
		StepVerifier.create(SseDecoder.decode(body), 0).thenRequest(1).expectNextCount(1).thenCancel().verify();
		assertThat(requested.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(4);
	}

	@Test
	void decodesDirectAndCompositeNettyBuffersSplitAnywhere() {
		String body = "\uFEFFevent: output\r\nid: 7\r\ndata: {\"output\":\"héllo 世界 🌍\"}\r\n\r\n"
				+ ": keep-alive\ndata: a\rdata: b\r\r" + "data: last\n\n";
		List<Event> expected = List.of(new Event("output", "7", "{\"output\":\"héllo 世界 🌍\"}"),
				new Event(null, "7", "a\nb"), new Event(null, "7", "last"));
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		NettyDataBufferFactory netty = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
		for (int split = 1; split < bytes.length - 1; split++) {
			// Three direct buffers, the middle one a composite of two, each read from a non-zero index.
			int second = split + (bytes.length - split) / 2;
			List<ByteBuf> parts = List.of(direct(bytes, 0, split), direct(bytes, split, second),
					direct(bytes, second, bytes.length));
			CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer();
			composite.addComponents(true, parts.get(1), direct(new byte[0], 0, 0));
			Flux<DataBuffer> chunks = Flux.just(netty.wrap(parts.get(0)), netty.wrap(composite),
					netty.wrap(parts.get(2)));
			List<Event> events = SseDecoder.decode(chunks).collectList().block();
			assertThat(events).as("split at %d and %d", split, second).isEqualTo(expected);
			assertThat(parts).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
		}
	}

	private static ByteBuf direct(byte[] bytes, int from, int to) {
		// A leading byte that is already read: the decoder must start at the reader index.
		ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(to - from + 1);
		buf.writeByte('X');
		buf.writeBytes(bytes, from, to - from);
		buf.readByte();
		return buf;
	}

	private static List<byte[]> chunks(String... parts) {
		return Arrays.stream(parts).map((part) -> part.getBytes(StandardCharsets.UTF_8)).toList();
	}

	private static List<Event> decode(List<byte[]> chunks) {
		Flux<DataBuffer> body = Flux.fromIterable(chunks).map((bytes) -> (DataBuffer) FACTORY.wrap(bytes));
		List<Event> events = SseDecoder.decode(body).collectList().block();
		assertThat(events).isNotNull();
		return events;
	}

}
