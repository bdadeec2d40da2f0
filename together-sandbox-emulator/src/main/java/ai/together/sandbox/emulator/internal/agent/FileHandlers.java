package ai.together.sandbox.emulator.internal.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ai.together.sandbox.emulator.internal.files.FileContent;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Bodies;
import ai.together.sandbox.emulator.internal.http.Json;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.http.Request;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The agent endpoints on files with more to them than a call of {@link SandboxFiles}: streamed
 * uploads, the directory watch, and the body of a move or copy.
 */
final class FileHandlers {

	private static final Log logger = LogFactory.getLog(FileHandlers.class);

	private static final Set<PosixFilePermission> DEFAULT_FILE_PERMISSIONS = PosixFilePermissions
		.fromString("rw-r--r--");

	private final long maxUploadBytes;

	private final long maxFileBytes;

	private final Path uploadDirectory;

	/**
	 * Creates the handlers.
	 * @param maxUploadBytes the largest upload body
	 * @param maxFileBytes the largest file read or written
	 * @param uploadDirectory where uploads are received
	 */
	FileHandlers(long maxUploadBytes, long maxFileBytes, Path uploadDirectory) {
		// An upload makes a file: it is held to both limits.
		this.maxUploadBytes = Math.min(maxUploadBytes, maxFileBytes);
		this.maxFileBytes = maxFileBytes;
		this.uploadDirectory = uploadDirectory;
	}

	/** Reads a file, streamed: the body is made as the client reads it. */
	Mono<Reply> read(AgentCall call) {
		String vm = call.vmPath();
		return call.sandbox()
			.blocking()
			.run(() -> Reply.jsonChunks(200, call.files().openRead(vm, this.maxFileBytes).body()));
	}

	static Map<String, Object> moveOrCopy(AgentCall call, Map<String, Object> body) {
		String action = Json.requiredString(body, "action");
		String destination = Json.requiredString(body, "destination");
		Json.bool(body, "recursive");
		return call.files().moveOrCopy(call.vmPath(), action, destination);
	}

	static Mono<Reply> watch(AgentCall call) {
		String recursive = call.request().queryParam("recursive");
		List<String> ignore = call.request().queryParams("ignorePatterns");
		return call.sandbox().blocking().run(() -> Reply.sse(DirectoryWatcher.watch(call.files(), call.vmPath(),
				recursive != null && recursive.equalsIgnoreCase("true"), ignore)));
	}

	Mono<Reply> upload(AgentCall call) {
		String vm = call.vmPath();
		return call.sandbox().blocking().run(() -> call.files().prepareWrite(vm))
			.flatMap(target -> receiveInto(call.request(), vm, target))
			// The answer echoes the file, streamed as a read is.
			.flatMap(target -> call.sandbox()
				.blocking()
				.run(() -> Reply.jsonChunks(201,
						FileContent.open(SandboxFiles.normalize(vm), target, this.maxFileBytes).body())));
	}

	/**
	 * Streams the body into a temporary file and moves it into place, so that a refused or broken
	 * upload leaves the old content untouched.
	 */
	private Mono<Path> receiveInto(Request request, String vm, Path target) {
		String length = request.header("Content-Length");
		if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > this.maxUploadBytes) {
			return Bodies.drain(request).then(Mono.error(Bodies.tooLarge(this.maxUploadBytes)));
		}
		request.consumed().set(true);
		return Mono.using(() -> {
			Files.createDirectories(this.uploadDirectory);
			Path tmp = Files.createTempFile(this.uploadDirectory, "upload-", ".part");
			return new Upload(tmp, FileChannel.open(tmp, StandardOpenOption.WRITE));
		}, upload -> request.netty()
			.receive()
			.retain()
			// Some chunks (of 8 KiB) ahead of the disk at most: the connection is not read while
			// they wait. Enough of them that the hand-over between threads is not per chunk.
			.publishOn(Schedulers.boundedElastic(), 64)
			.doOnNext(buf -> upload.write(buf, this.maxUploadBytes))
			.doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease)
			.then(Mono.fromCallable(() -> SandboxFiles.io(vm, () -> upload.finish(target, this.maxUploadBytes)))),
				Upload::cleanup);
	}

	private static final class Upload {

		private final Path tmp;

		private final FileChannel channel;

		private final AtomicLong total = new AtomicLong();

		private final AtomicBoolean overflow = new AtomicBoolean();

		Upload(Path tmp, FileChannel channel) {
			this.tmp = tmp;
			this.channel = channel;
		}

		void write(ByteBuf buf, long limit) {
			try {
				if (this.total.addAndGet(buf.readableBytes()) > limit) {
					this.overflow.set(true);
					return;
				}
				for (ByteBuffer nio : buf.nioBuffers()) {
					while (nio.hasRemaining()) {
						this.channel.write(nio);
					}
				}
			}
			catch (IOException ex) {
				throw new ApiException(500, "cannot store the upload: " + SandboxFiles.reason(ex));
			}
			finally {
				buf.release();
			}
		}

		Path finish(Path target, long limit) throws IOException {
			this.channel.close();
			if (this.overflow.get()) {
				throw Bodies.tooLarge(limit);
			}
			Set<PosixFilePermission> permissions = DEFAULT_FILE_PERMISSIONS;
			if (Files.exists(target)) {
				permissions = Files.getPosixFilePermissions(target);
			}
			Files.setPosixFilePermissions(this.tmp, permissions);
			try {
				Files.move(this.tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(this.tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
			return target;
		}

		void cleanup() {
			try {
				this.channel.close();
				Files.deleteIfExists(this.tmp);
			}
			catch (IOException ex) {
				logger.debug("Could not remove the upload file " + this.tmp + ": " + ex.getMessage());
			}
		}

	}

}
