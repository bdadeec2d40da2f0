package ai.together.sandbox.emulator.internal.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;

import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Json;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Schedulers;

/**
 * The FileReadResponse of a regular file ({@code {"path", "content", "encoding"}}), made chunk by
 * chunk while it is written, so that memory stays the size of a chunk whatever the size of the
 * file. The file is read twice: once on opening to find whether it is valid UTF-8 (the
 * {@code utf-8} encoding, else {@code base64}), then, when the body is subscribed to, to write its
 * content; no file stays open in between.
 */
public final class FileContent {

	/** The bytes of the file per chunk: a multiple of 3, so that only the last base64 chunk is padded. */
	static final int CHUNK = 48 * 1024;

	private final String vmPath;

	private final Path file;

	private final long size;

	private final boolean utf8;

	private FileContent(String vmPath, Path file, long size, boolean utf8) {
		this.vmPath = vmPath;
		this.file = file;
		this.size = size;
		this.utf8 = utf8;
	}

	/**
	 * Opens a regular file and finds its encoding: blocking work.
	 * @param vmPath the normalised VM path, as the response names it
	 * @param file the host path of a regular file
	 * @param maxBytes the largest file that is sent
	 * @return the content, ready to stream
	 * @throws ApiException 413 if the file is larger than {@code maxBytes}
	 */
	public static FileContent open(String vmPath, Path file, long maxBytes) {
		FileChannel channel = SandboxFiles.io(vmPath, () -> FileChannel.open(file, StandardOpenOption.READ));
		try {
			long size = SandboxFiles.io(vmPath, channel::size);
			if (size > maxBytes) {
				throw new ApiException(413, "file " + vmPath + " is " + size + " bytes, larger than the limit of "
						+ maxBytes + " bytes");
			}
			boolean utf8 = SandboxFiles.io(vmPath, () -> isUtf8(channel, size));
			return new FileContent(vmPath, file, size, utf8);
		}
		finally {
			closeQuietly(channel);
		}
	}

	private static boolean isUtf8(FileChannel channel, long size) throws IOException {
		CharsetDecoder decoder = strictDecoder();
		ByteBuffer in = ByteBuffer.allocate(CHUNK);
		CharBuffer out = CharBuffer.allocate(CHUNK);
		long position = 0;
		while (position < size) {
			int n = channel.read(in, position);
			if (n < 0) {
				break;
			}
			position += n;
			in.flip();
			if (!decodeAll(decoder, in, out, false)) {
				return false;
			}
			// An incomplete sequence at the end of the chunk is carried over to the next one.
			in.compact();
		}
		in.flip();
		return decodeAll(decoder, in, out, true) && flush(decoder, out);
	}

	private static boolean decodeAll(CharsetDecoder decoder, ByteBuffer in, CharBuffer out, boolean end) {
		while (true) {
			out.clear();
			CoderResult result = decoder.decode(in, out, end);
			if (result.isError()) {
				return false;
			}
			if (result.isUnderflow()) {
				return true;
			}
		}
	}

	private static boolean flush(CharsetDecoder decoder, CharBuffer out) {
		out.clear();
		return !decoder.flush(out).isError();
	}

	private static CharsetDecoder strictDecoder() {
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

	/**
	 * Returns whether the content is sent as UTF-8 text (else as base64).
	 * @return whether it is UTF-8
	 */
	public boolean isUtf8() {
		return this.utf8;
	}

	/**
	 * Returns the size of the file when it was opened.
	 * @return the size in bytes
	 */
	public long size() {
		return this.size;
	}

	/**
	 * Returns the response body, made chunk by chunk as it is requested, reading off the event loop;
	 * the file is open from the subscription until it completes, fails or is cancelled. At most the
	 * size found on opening is sent, however the file changes meanwhile.
	 * @return the chunks of the JSON body, to subscribe to once
	 */
	public Flux<byte[]> body() {
		return Flux.<byte[], Writer>generate(() -> new Writer(FileChannel.open(this.file, StandardOpenOption.READ)),
				(writer, sink) -> {
					writer.next(sink);
					return writer;
				}, writer -> closeQuietly(writer.channel))
			.subscribeOn(Schedulers.boundedElastic());
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing was written through it: nothing is lost.
		}
	}

	/** Where the body is: before the content, in it, after it. */
	private final class Writer {

		private final FileChannel channel;

		private final ByteBuffer in = ByteBuffer.allocate(CHUNK);

		private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);

		private final CharBuffer chars = CharBuffer.allocate(CHUNK + 1);

		private long position;

		private int state;

		private boolean finished;

		Writer(FileChannel channel) {
			this.channel = channel;
		}

		void next(SynchronousSink<byte[]> sink) {
			switch (this.state) {
				case 0 -> {
					this.state = 1;
					sink.next(concat(ascii("{\"path\":"), Json.write(FileContent.this.vmPath), ascii(",\"content\":\"")));
				}
				case 1 -> {
					byte[] chunk = content();
					if (chunk == null) {
						this.state = 2;
						sink.next(ascii("\",\"encoding\":\"" + (FileContent.this.utf8 ? "utf-8" : "base64") + "\"}"));
					}
					else {
						sink.next(chunk);
					}
				}
				default -> sink.complete();
			}
		}

		/** The next chunk of the content string, escaped; {@code null} at its end. */
		private byte @Nullable [] content() {
			if (this.finished) {
				return null;
			}
			this.finished = fill();
			this.in.flip();
			byte[] encoded;
			if (FileContent.this.utf8) {
				// A file that changed since it was checked may not be UTF-8 any more: replaced
				// characters keep the JSON valid.
				this.chars.clear();
				this.decoder.decode(this.in, this.chars, this.finished);
				if (this.finished) {
					this.decoder.flush(this.chars);
				}
				this.chars.flip();
				byte[] quoted = Json.write(this.chars.toString());
				encoded = Arrays.copyOfRange(quoted, 1, quoted.length - 1);
			}
			else {
				byte[] bytes = new byte[this.in.remaining()];
				this.in.get(bytes);
				encoded = Base64.getEncoder().encode(bytes);
			}
			// An incomplete UTF-8 sequence at the end of the chunk is carried over to the next.
			this.in.compact();
			return this.finished && encoded.length == 0 ? null : encoded;
		}

		/** Fills the buffer from the file, up to the size found on opening; whether the end is reached. */
		private boolean fill() {
			try {
				while (this.in.hasRemaining() && this.position < FileContent.this.size) {
					if (this.in.remaining() > FileContent.this.size - this.position) {
						this.in.limit(this.in.position() + (int) (FileContent.this.size - this.position));
					}
					int n = this.channel.read(this.in, this.position);
					this.in.limit(this.in.capacity());
					if (n < 0) {
						// The file shrank: what there is, is all.
						this.position = FileContent.this.size;
						break;
					}
					this.position += n;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read " + FileContent.this.vmPath + ": " + SandboxFiles.reason(ex),
						ex);
			}
			return this.position >= FileContent.this.size;
		}

	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, at, part.length);
			at += part.length;
		}
		return all;
	}

}
