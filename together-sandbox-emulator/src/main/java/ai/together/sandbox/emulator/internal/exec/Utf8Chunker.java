package ai.together.sandbox.emulator.internal.exec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 chunk by chunk, carrying an incomplete trailing sequence over to the next chunk so
 * that a character split across reads is not garbled.
 */
final class Utf8Chunker {

	private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPLACE)
		.onUnmappableCharacter(CodingErrorAction.REPLACE);

	private byte[] pending = new byte[0];

	String decode(byte[] data, int length) {
		ByteBuffer in = ByteBuffer.allocate(this.pending.length + length);
		in.put(this.pending).put(data, 0, length).flip();
		CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
		this.decoder.decode(in, out, false);
		this.pending = new byte[in.remaining()];
		in.get(this.pending);
		out.flip();
		return out.toString();
	}

}
