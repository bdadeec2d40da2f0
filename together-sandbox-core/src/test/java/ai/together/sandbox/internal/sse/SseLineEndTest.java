package ai.together.sandbox.internal.sse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder's line-end search, which reads eight bytes at a time, finds what a byte-by-byte
 * search finds: the first {@code \n} or {@code \r} from any start, in heap and direct buffers of
 * either byte order.
 */
class SseLineEndTest {

	@Test
	void findsTheFirstLineEndFromEveryStartLikeAByteByByteSearch() {
		Random random = new Random(0x55E);
		for (int trial = 0; trial < 400; trial++) {
			int length = random.nextInt(70);
			byte[] content = new byte[length];
			for (int i = 0; i < length; i++) {
				// Mostly text, with line ends, bytes next to them in value and non-ASCII bytes.
				int pick = random.nextInt(20);
				content[i] = switch (pick) {
					case 0 -> '\n';
					case 1 -> '\r';
					case 2 -> 0x0B;
					case 3 -> 0x0C;
					case 4 -> (byte) 0x8A;
					case 5 -> (byte) 0x8D;
					default -> (byte) ('a' + random.nextInt(26));
				};
			}
			for (ByteBuffer buffer : buffers(content)) {
				for (int from = 0; from <= length; from++) {
					for (int end = from; end <= length; end += 1 + random.nextInt(9)) {
						assertThat(SseDecoder.lineEnd(buffer, from, end)).as("trial %d, [%d, %d)", trial, from, end)
							.isEqualTo(byteByByte(content, from, end));
					}
				}
			}
		}
	}

	@Test
	void aLineEndInEveryPositionOfAWordIsFound() {
		for (byte lineEnd : new byte[] { '\n', '\r' }) {
			for (int at = 0; at < 24; at++) {
				byte[] content = new byte[24];
				java.util.Arrays.fill(content, (byte) 'x');
				content[at] = lineEnd;
				for (ByteBuffer buffer : buffers(content)) {
					assertThat(SseDecoder.lineEnd(buffer, 0, 24)).isEqualTo(at);
				}
			}
		}
	}

	private static ByteBuffer[] buffers(byte[] content) {
		ByteBuffer direct = ByteBuffer.allocateDirect(content.length).put(content).flip();
		ByteBuffer directLittle = ByteBuffer.allocateDirect(content.length).order(ByteOrder.LITTLE_ENDIAN).put(content).flip();
		return new ByteBuffer[] { ByteBuffer.wrap(content), direct, directLittle };
	}

	private static int byteByByte(byte[] content, int from, int end) {
		for (int i = from; i < end; i++) {
			if (content[i] == '\n' || content[i] == '\r') {
				return i;
			}
		}
		return end;
	}

}
