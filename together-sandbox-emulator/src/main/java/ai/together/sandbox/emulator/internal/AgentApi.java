package ai.together.sandbox.emulator.internal;

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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.Http.Reply;
import ai.together.sandbox.emulator.internal.Http.Request;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The agent API of each sandbox, served under {@code /sandboxes/<id>/agent}. Requests need the
 * sandbox's current agent token; a sandbox that is not running answers 503.
 */
final class AgentApi {

	private static final Log logger = LogFactory.getLog(AgentApi.class);

	static final String PREFIX = "/sandboxes/";

	/** Whether a request is a file upload, whose body is streamed to disk rather than read first. */
	static boolean isUpload(Request request) {
		return request.method().equals("POST") && request.path().startsWith(PREFIX)
				&& request.path().contains("/agent/api/v1/files/");
	}

	private static final Pattern RESIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

	private static final Set<PosixFilePermission> DEFAULT_FILE_PERMISSIONS = PosixFilePermissions
		.fromString("rw-r--r--");

	private final EmulatorState state;

	private final long maxJsonBytes;

	private final long maxUploadBytes;

	private final Duration portPollInterval;

	AgentApi(EmulatorState state, long maxJsonBytes, long maxUploadBytes, Duration portPollInterval) {
		this.state = state;
		this.maxJsonBytes = maxJsonBytes;
		this.maxUploadBytes = maxUploadBytes;
		this.portPollInterval = portPollInterval;
	}

	static Map<String, Object> error(int status, String message) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("code", status);
		json.put("message", message);
		return json;
	}

	Mono<Reply> handle(Request request) {
		String path = request.path();
		int slash = path.indexOf('/', PREFIX.length());
		if (slash < 0 || !path.startsWith("/agent", slash)) {
			throw ApiException.notFound("no such endpoint: " + path);
		}
		String id = Http.decodePath(path.substring(PREFIX.length(), slash));
		String rest = path.substring(slash + "/agent".length());
		SandboxInstance sandbox = this.state.findSandbox(id);
		if (sandbox == null) {
			throw ApiException.notFound("sandbox " + id + " not found");
		}
		String token;
		String status;
		synchronized (sandbox) {
			token = sandbox.agentToken;
			status = sandbox.status;
		}
		String queryToken = request.queryParam("token");
		boolean authorized = Http.bearerMatches(request, token) || (queryToken != null && !token.isEmpty()
				&& java.security.MessageDigest.isEqual(queryToken.getBytes(), token.getBytes()));
		if (!authorized) {
			throw new ApiException(401, "missing or invalid agent token");
		}
		if (!"running".equals(status)) {
			throw new ApiException(503, "sandbox " + id + " is not running (status " + status + ")");
		}
		return route(sandbox, request, rest);
	}

	private Mono<Reply> route(SandboxInstance sandbox, Request request, String rest) {
		String method = request.method();
		SandboxFiles files = sandbox.files;
		if (rest.startsWith("/api/v1/files/") || rest.equals("/api/v1/files")) {
			String vm = vmPath(rest, "/api/v1/files");
			return switch (method) {
				case "GET" -> Http.blocking(() -> Reply.json(200, files.read(vm)));
				case "POST" -> upload(sandbox, request, vm);
				case "PATCH" -> json(request).flatMap(body -> Http.blocking(() -> {
					String action = Json.requiredString(body, "action");
					String destination = Json.requiredString(body, "destination");
					Json.bool(body, "recursive");
					return Reply.json(200, files.moveOrCopy(vm, action, destination));
				}));
				case "DELETE" -> Http.blocking(() -> Reply.json(200, files.delete(vm, false)));
				default -> methodNotAllowed();
			};
		}
		if (rest.startsWith("/api/v1/file_stat/") || rest.equals("/api/v1/file_stat")) {
			String vm = vmPath(rest, "/api/v1/file_stat");
			if (!method.equals("GET")) {
				return methodNotAllowed();
			}
			return Http.blocking(() -> Reply.json(200, files.stat(vm)));
		}
		if (rest.startsWith("/api/v1/directories/") || rest.equals("/api/v1/directories")) {
			String vm = vmPath(rest, "/api/v1/directories");
			return switch (method) {
				case "GET" -> Http.blocking(() -> Reply.json(200, files.list(vm)));
				case "POST" -> Http.drain(request).then(Http.blocking(() -> Reply.json(201, files.createDirectory(vm))));
				case "DELETE" -> Http.blocking(() -> Reply.json(200, files.delete(vm, true)));
				default -> methodNotAllowed();
			};
		}
		if (rest.equals("/api/v1/execs")) {
			return switch (method) {
				case "GET" -> Mono.fromSupplier(() -> Reply.json(200, Map.of("execs", sandbox.execList())));
				case "POST" -> json(request).flatMap(body -> Http.blocking(() -> createExec(sandbox, body)));
				default -> methodNotAllowed();
			};
		}
		if (rest.startsWith("/api/v1/execs/")) {
			String[] parts = rest.substring("/api/v1/execs/".length()).split("/", -1);
			ExecProcess exec = exec(sandbox, Http.decodePath(parts[0]));
			if (parts.length == 1) {
				return switch (method) {
					case "GET" -> Mono.fromSupplier(() -> Reply.json(200, exec.toJson()));
					case "PUT" -> json(request).flatMap(body -> Http.blocking(() -> {
						String status = Json.requiredString(body, "status");
						if (!status.equalsIgnoreCase("running")) {
							throw ApiException.badRequest("'status' can only be 'running'");
						}
						exec.start();
						return Reply.json(200, exec.toJson());
					}));
					case "DELETE" -> Http.blocking(() -> {
						synchronized (sandbox) {
							sandbox.execs.remove(exec.id());
						}
						exec.kill();
						sandbox.execsChanged();
						return Reply.json(200, Map.of("message", "Exec deleted successfully"));
					});
					default -> methodNotAllowed();
				};
			}
			if (parts.length == 2 && parts[1].equals("io")) {
				return switch (method) {
					case "GET" -> Mono.fromSupplier(() -> Reply.json(200, exec.output(request.longParam("lastSequence"))));
					case "POST" -> json(request).flatMap(body -> Http.blocking(() -> {
						String type = Json.requiredString(body, "type");
						String input = Json.requiredString(body, "input");
						if (type.equals("stdin")) {
							exec.writeStdin(input);
						}
						else if (type.equals("resize")) {
							Matcher m = RESIZE.matcher(input.trim());
							if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0
									|| Integer.parseInt(m.group(1)) > 65535 || Integer.parseInt(m.group(2)) > 65535) {
								throw ApiException.badRequest("resize input must be '<cols>x<rows>', e.g. '80x24'");
							}
							exec.resize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
						}
						else {
							throw ApiException.badRequest("'type' must be 'stdin' or 'resize'");
						}
						return Reply.json(200, exec.toJson());
					}));
					default -> methodNotAllowed();
				};
			}
		}
		if (rest.equals("/api/v1/ports") && method.equals("GET")) {
			return Http.blocking(() -> Reply.json(200, Map.of("ports", PortScanner.scan(sandbox.pids()))));
		}
		if (rest.equals("/api/v1/stream/ports") && method.equals("GET")) {
			Flux<Object> ports = Flux.interval(Duration.ZERO, this.portPollInterval)
				.onBackpressureDrop()
				.publishOn(Schedulers.boundedElastic(), 1)
				.map(i -> PortScanner.scan(sandbox.pids()))
				.distinctUntilChanged()
				.map(list -> Map.of("ports", list));
			return Mono.just(Reply.sse(ports));
		}
		if (rest.equals("/api/v1/stream/execs") && method.equals("GET")) {
			Flux<Object> lists = Flux.create(sink -> {
				Consumer<List<Map<String, Object>>> listener = list -> sink.next(Map.of("execs", list));
				sandbox.execListeners.add(listener);
				sink.onDispose(() -> sandbox.execListeners.remove(listener));
				sink.next(Map.of("execs", sandbox.execList()));
			}, FluxSink.OverflowStrategy.LATEST);
			return Mono.just(Reply.sse(lists));
		}
		if (rest.startsWith("/api/v1/stream/execs/") && method.equals("GET")) {
			String[] parts = rest.substring("/api/v1/stream/execs/".length()).split("/", -1);
			if (parts.length == 2 && parts[1].equals("io")) {
				ExecProcess exec = exec(sandbox, Http.decodePath(parts[0]));
				return Mono.just(Reply.sse(exec.stream(request.longParam("lastSequence"))));
			}
		}
		if (rest.startsWith("/api/v1/stream/directories/watcher/") && method.equals("GET")) {
			// The SDK appends the watched path unencoded, so '//src' is the absolute path '/src'.
			String vm = vmPath(rest, "/api/v1/stream/directories/watcher");
			String recursive = request.queryParam("recursive");
			List<String> ignore = request.queryParams("ignorePatterns");
			return Http.blocking(() -> Reply
				.sse(DirectoryWatcher.watch(files, vm, recursive != null && recursive.equalsIgnoreCase("true"), ignore)));
		}
		if (rest.equals("/api/v1/tasks") && method.equals("GET")) {
			return Mono.just(Reply.json(200, Map.of("tasks", List.of())));
		}
		if (rest.equals("/api/v1/setup-tasks") && method.equals("GET")) {
			return Mono.just(Reply.json(200, Map.of("setupTasks", List.of())));
		}
		if (rest.startsWith("/api/v1/tasks/")) {
			throw ApiException.notFound("tasks are not emulated");
		}
		throw ApiException.notFound("no such endpoint: " + method + " " + rest);
	}

	private static <T> T methodNotAllowed() {
		throw new ApiException(405, "method not allowed");
	}

	/** Decodes the path parameter: one {@code %2F}-encoded segment or several raw ones. */
	private static String vmPath(String rest, String prefix) {
		String raw = rest.length() > prefix.length() ? rest.substring(prefix.length() + 1) : "";
		String decoded = Http.decodePath(raw);
		return decoded.isEmpty() ? "/" : decoded;
	}

	private Mono<Map<String, Object>> json(Request request) {
		return Http.body(request, this.maxJsonBytes).map(Json::object);
	}

	private static ExecProcess exec(SandboxInstance sandbox, String id) {
		synchronized (sandbox) {
			ExecProcess exec = sandbox.execs.get(id);
			if (exec == null) {
				throw ApiException.notFound("exec " + id + " not found");
			}
			return exec;
		}
	}

	private Reply createExec(SandboxInstance sandbox, Map<String, Object> body) {
		String command = Json.requiredString(body, "command");
		if (command.isBlank()) {
			throw ApiException.badRequest("'command' must not be empty");
		}
		List<String> args = Json.stringList(body, "args");
		Boolean autorun = Json.bool(body, "autorun");
		Boolean interactive = Json.bool(body, "interactive");
		Boolean pty = Json.bool(body, "pty");
		String cwd = Json.string(body, "cwd");
		Map<String, String> env = Json.stringMap(body, "env");
		Json.integer(body, "uid");
		Json.integer(body, "gid");
		Path directory = sandbox.files.resolve(cwd == null || cwd.isEmpty() ? "/" : cwd, true);
		if (!Files.isDirectory(directory)) {
			throw ApiException.badRequest("working directory does not exist: " + cwd);
		}
		Map<String, String> environment = new LinkedHashMap<>();
		String hostPath = System.getenv("PATH");
		environment.put("PATH", hostPath != null && !hostPath.isEmpty() ? hostPath : "/usr/local/bin:/usr/bin:/bin");
		environment.put("HOME", sandbox.files.root().toString());
		environment.put("LANG", "C.UTF-8");
		environment.put("TERM", Boolean.TRUE.equals(pty) ? "xterm-256color" : "dumb");
		String user = System.getProperty("user.name");
		if (user != null) {
			environment.put("USER", user);
			environment.put("LOGNAME", user);
		}
		if (env != null) {
			environment.putAll(env);
		}
		String id;
		ExecProcess exec;
		synchronized (sandbox) {
			do {
				id = Ids.alphanumeric(12);
			}
			while (sandbox.execs.containsKey(id));
			String resolved = resolveCommand(sandbox, command);
			exec = new ExecProcess(id, command, resolved != null ? resolved : command, args != null ? args : List.of(), Boolean.TRUE.equals(interactive),
					Boolean.TRUE.equals(pty), directory, environment, sandbox::execsChanged);
			sandbox.execs.put(id, exec);
		}
		if (autorun == null || autorun) {
			try {
				exec.start();
			}
			catch (RuntimeException ex) {
				synchronized (sandbox) {
					sandbox.execs.remove(id);
				}
				throw ex;
			}
		}
		else {
			sandbox.execsChanged();
		}
		return Reply.json(201, exec.toJson());
	}

	/**
	 * An absolute command that names an executable file of the sandbox runs that file; anything
	 * else is looked up on this machine's PATH.
	 */
	static @Nullable String resolveCommand(SandboxInstance sandbox, String command) {
		if (!command.startsWith("/")) {
			return null;
		}
		try {
			Path path = sandbox.files.resolve(command, true);
			return Files.isRegularFile(path) ? path.toString() : null;
		}
		catch (ApiException ex) {
			return null;
		}
	}

	private Mono<Reply> upload(SandboxInstance sandbox, Request request, String vm) {
		return Mono.fromCallable(() -> sandbox.files.prepareWrite(vm))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(target -> receiveInto(request, target))
			.map(target -> Reply.json(201, SandboxFiles.readResponse(SandboxFiles.normalize(vm),
					SandboxFiles.io(vm, () -> Files.readAllBytes(target)))));
	}

	/**
	 * Streams the body into a temporary file and moves it into place, so that a refused or broken
	 * upload leaves the old content untouched.
	 */
	private Mono<Path> receiveInto(Request request, Path target) {
		String length = request.header("Content-Length");
		if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > this.maxUploadBytes) {
			return Http.drain(request).then(Mono.error(Http.tooLarge(this.maxUploadBytes)));
		}
		request.consumed().set(true);
		Path tmpDir = this.state.dataDirectory().resolve("tmp");
		return Mono.using(() -> {
			Files.createDirectories(tmpDir);
			Path tmp = Files.createTempFile(tmpDir, "upload-", ".part");
			return new Upload(tmp, FileChannel.open(tmp, StandardOpenOption.WRITE));
		}, upload -> request.netty()
			.receive()
			.retain()
			.publishOn(Schedulers.boundedElastic())
			.doOnNext(buf -> upload.write(buf, this.maxUploadBytes))
			.doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease)
			.then(Mono.fromCallable(() -> upload.finish(target, this.maxUploadBytes))), Upload::cleanup);
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
				throw new ApiException(500, "cannot store the upload: " + ex.getMessage());
			}
			finally {
				buf.release();
			}
		}

		Path finish(Path target, long limit) throws IOException {
			this.channel.close();
			if (this.overflow.get()) {
				throw Http.tooLarge(limit);
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
