package ai.together.sandbox.internal.files;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.concurrent.Executor;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ErrorMapper;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * The big-file transfers of one sandbox's files namespace: downloads spooled and decoded by
 * {@link FileBodies}, uploads streamed from a file, a stream or a publisher. Heap use stays at a
 * few chunks whatever the file size. Downloads (to a file, a stream, a publisher or an array)
 * and uploads from a file are retried by the client's retry engine, since a failed attempt has
 * not touched the destination yet or can send its body again; uploads from a stream or a
 * publisher are made once.
 */
public final class FileTransfers {

	/** Operation name of the downloads (reported to retry callbacks and in errors). */
	public static final String DOWNLOAD = "files.download";

	/** Operation name of the uploads. */
	public static final String UPLOAD = "files.upload";

	private static final int CHUNK = 64 * 1024;

	private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private static final Executor BLOCKING = (task) -> Schedulers.boundedElastic().schedule(task);

	private final AgentConnection agent;

	/**
	 * Creates the transfers of one sandbox.
	 * @param agent the sandbox's agent
	 */
	public FileTransfers(AgentConnection agent) {
		this.agent = Objects.requireNonNull(agent, "agent");
	}

	/**
	 * Downloads a file into a local file, replacing it only once the whole content has arrived
	 * and been decoded (the content goes to a temporary file in the same directory first).
	 * @param path the sandbox path
	 * @param target the local file
	 * @return the number of bytes written
	 */
	public Mono<Long> download(String path, Path target) {
		String context = context(path);
		return Mono.defer(() -> {
			Path absolute = target.toAbsolutePath();
			Path directory = absolute.getParent();
			if (Files.isDirectory(absolute)) {
				return Mono.error(cannotWrite(DOWNLOAD, context, Repr.quote(absolute.toString()), "it is a directory",
						null));
			}
			Path part;
			try {
				// Created before the request: a target that cannot be written fails at once.
				part = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".part");
			}
			catch (IOException ex) {
				return Mono.error(cannotWrite(DOWNLOAD, context, Repr.quote(absolute.toString()), describe(ex), ex));
			}
			return Mono.usingWhen(fetch(DOWNLOAD, path, directory), (spool) -> blocking(() -> {
				FileBodies.Scan scan = FileBodies.scan(spool);
				OutputStream out = targetIo(() -> new BufferedOutputStream(Files.newOutputStream(part), CHUNK));
				long written;
				try {
					written = FileBodies.decode(spool, scan, out);
				}
				catch (IOException | RuntimeException ex) {
					try {
						out.close();
					}
					catch (IOException suppressed) {
						ex.addSuppressed(suppressed);
					}
					throw ex;
				}
				targetIo(() -> {
					out.close();
					move(part, absolute);
					return null;
				});
				return written;
			}), FileTransfers::delete)
				.onErrorMap((error) -> mapped(DOWNLOAD, context, Repr.quote(absolute.toString()), error))
				.doOnError((error) -> FileBodies.deleteQuietly(part))
				.doOnCancel(() -> FileBodies.deleteQuietly(part));
		});
	}

	/**
	 * Downloads a file into a stream, which is flushed but not closed. Nothing is written before
	 * the whole response has arrived (it is spooled to a temporary file first).
	 * @param path the sandbox path
	 * @param out the stream
	 * @return the number of bytes written
	 */
	public Mono<Long> download(String path, OutputStream out) {
		String context = context(path);
		return Mono.usingWhen(fetch(DOWNLOAD, path, temporaryDirectory()),
				(spool) -> blocking(() -> FileBodies.decode(spool, FileBodies.scan(spool), out)), FileTransfers::delete)
			.onErrorMap((error) -> mapped(DOWNLOAD, context, "the output stream", error));
	}

	/**
	 * Downloads a file as a publisher of its bytes, with back-pressure.
	 * @param path the sandbox path
	 * @return the bytes, in chunks the subscriber must release
	 */
	public Flux<DataBuffer> download(String path) {
		String context = context(path);
		return Flux.usingWhen(fetch(DOWNLOAD, path, temporaryDirectory()),
				(spool) -> blocking(() -> FileBodies.scan(spool))
					.flatMapMany((scan) -> DataBufferUtils.outputStreamPublisher((out) -> {
						try {
							FileBodies.decode(spool, scan, out);
						}
						catch (IOException ex) {
							throw new UncheckedIOException(ex);
						}
					}, BUFFERS, BLOCKING, CHUNK)),
				FileTransfers::delete)
			.onErrorMap((error) -> mapped(DOWNLOAD, context, "the subscriber", error));
	}

	/**
	 * Reads a file into one array of exactly its size (the decoding runs twice, first only to
	 * count, so that no larger or second array is needed).
	 * @param operation the operation name of the call
	 * @param path the sandbox path
	 * @return the bytes of the file
	 */
	public Mono<byte[]> readBytes(String operation, String path) {
		String context = context(path);
		return Mono.usingWhen(fetch(operation, path, temporaryDirectory()), (spool) -> blocking(() -> {
			FileBodies.Scan scan = FileBodies.scan(spool);
			long size = FileBodies.decode(spool, scan, OutputStream.nullOutputStream());
			if (size > MAX_ARRAY) {
				throw new TogetherSandboxException(operation + ErrorMapper.suffix(context) + ": the file has " + size
						+ " bytes, more than an array holds; download it to a file or a stream instead");
			}
			ArrayOutput bytes = new ArrayOutput((int) size);
			FileBodies.decode(spool, scan, bytes);
			return bytes.array;
		}), FileTransfers::delete).onErrorMap((error) -> mapped(operation, context, "memory", error));
	}

	/**
	 * Uploads a local file, with its size as {@code Content-Length}; retried like the other
	 * calls, since the file can be read again.
	 * @param path the sandbox path
	 * @param source the local file
	 * @return completion
	 */
	public Mono<Void> upload(String path, Path source) {
		String context = context(path);
		return Mono.defer(() -> {
			long size;
			try {
				if (Files.isDirectory(source)) {
					throw new IOException("it is a directory");
				}
				size = Files.size(source);
				// Fails here, before any request, when the file exists but cannot be read.
				Files.newInputStream(source).close();
			}
			catch (IOException ex) {
				return Mono.error(new TogetherSandboxException(UPLOAD + ErrorMapper.suffix(context) + ": cannot read "
						+ Repr.quote(source.toString()) + ": " + describe(ex), ex));
			}
			ApiCall call = uploadCall(path, context).withHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
			HttpTransport transport = this.agent.transport();
			return transport.observed(call, transport.retryEngine()
				.execute(UPLOAD, () -> drain(transport.transfer(call, DataBufferUtils.read(source, BUFFERS, CHUNK)))));
		});
	}

	/**
	 * Uploads what a stream holds up to its end, read on a thread that may block; the stream is
	 * not closed. Sent once, with chunked transfer encoding (the size is not known in advance).
	 * @param path the sandbox path
	 * @param source the stream
	 * @return completion
	 */
	public Mono<Void> upload(String path, InputStream source) {
		InputStream unclosed = new FilterInputStream(source) {
			@Override
			public void close() {
				// The caller's stream: the caller closes it.
			}
		};
		// Requests (and so the blocking reads) happen on the bounded elastic worker, not on an event loop.
		Flux<DataBuffer> body = DataBufferUtils.readInputStream(() -> unclosed, BUFFERS, CHUNK)
			.subscribeOn(Schedulers.boundedElastic());
		return upload(path, body);
	}

	/**
	 * Uploads the bytes of a publisher, sent once with chunked transfer encoding.
	 * @param path the sandbox path
	 * @param source the bytes (each buffer is released once written)
	 * @return completion
	 */
	public Mono<Void> upload(String path, Flux<DataBuffer> source) {
		String context = context(path);
		return Mono.defer(() -> {
			ApiCall call = uploadCall(path, context);
			HttpTransport transport = this.agent.transport();
			return transport.observed(call, drain(transport.transfer(call, source)));
		});
	}

	private ApiCall uploadCall(String path, String context) {
		// The byte body stands for the content type only: transfer() sends the publisher.
		return this.agent.call(UPLOAD, context, HttpMethod.POST, filePath(path)).withBody(new byte[0], OCTET_STREAM);
	}

	/** The echo of the written file is released as it arrives, never decoded. */
	private static Mono<Void> drain(Flux<DataBuffer> response) {
		return response.doOnNext(DataBufferUtils::release).then();
	}

	private Mono<Path> fetch(String operation, String path, Path directory) {
		ApiCall call = this.agent.call(operation, context(path), HttpMethod.GET, filePath(path));
		HttpTransport transport = this.agent.transport();
		return transport.observed(call, transport.retryEngine()
			.execute(operation, () -> FileBodies.spool(transport.transfer(call, null), directory)
				.onErrorMap(UncheckedIOException.class, (ex) -> new TogetherSandboxException(operation
						+ ErrorMapper.suffix(context(path)) + ": cannot create a temporary file in "
						+ Repr.quote(directory.toString()) + ": " + describe(ex.getCause()), ex.getCause()))));
	}

	private static <T> Mono<T> blocking(IoCallable<T> work) {
		return Mono.fromCallable(work::call).subscribeOn(Schedulers.boundedElastic());
	}

	private static Mono<Void> delete(Path spool) {
		return Mono.fromRunnable(() -> FileBodies.deleteQuietly(spool));
	}

	private static void move(Path part, Path target) throws IOException {
		try {
			Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	private static Throwable mapped(String operation, String context, String target, Throwable error) {
		if (error instanceof FileBodies.TargetWriteException write) {
			return cannotWrite(operation, context, target, write.getMessage(), write.getCause());
		}
		if (error instanceof UncheckedIOException unchecked) {
			return ErrorMapper.invalidBody(operation, context, 200, unchecked.getCause());
		}
		if (error instanceof IOException) {
			// The spooled response is not the FileReadResponse the API documents.
			return ErrorMapper.invalidBody(operation, context, 200, error);
		}
		return error;
	}

	private static TogetherSandboxException cannotWrite(String operation, String context, String target,
			String reason, @Nullable Throwable cause) {
		return new TogetherSandboxException(
				operation + ErrorMapper.suffix(context) + ": cannot write " + target + ": " + reason, cause);
	}

	/** Runs I/O on the destination of a download: its failures are told apart from the response's. */
	private static <T> T targetIo(IoCallable<T> work) {
		try {
			return work.call();
		}
		catch (IOException ex) {
			throw new FileBodies.TargetWriteException(ex);
		}
	}

	private static String describe(Throwable ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

	private static Path temporaryDirectory() {
		return Path.of(System.getProperty("java.io.tmpdir"));
	}

	private static String filePath(String path) {
		return "/api/v1/files/" + PathEncoder.segment(path);
	}

	private static String context(String path) {
		return Repr.context("path", path);
	}

	/** Work on a thread that may block. */
	@FunctionalInterface
	private interface IoCallable<T> {

		T call() throws IOException;

	}

	/** Fills an array of a known size. */
	private static final class ArrayOutput extends OutputStream {

		private final byte[] array;

		private int count;

		ArrayOutput(int size) {
			this.array = new byte[size];
		}

		@Override
		public void write(int b) {
			this.array[this.count++] = (byte) b;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			System.arraycopy(bytes, offset, this.array, this.count, length);
			this.count += length;
		}

	}

}
