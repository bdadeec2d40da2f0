package ai.together.sandbox.emulator.internal.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.internal.exec.ExecCommand;
import ai.together.sandbox.emulator.internal.exec.ExecProcess;
import ai.together.sandbox.emulator.internal.exec.ProcessIsolation;
import ai.together.sandbox.emulator.internal.exec.OutputBudget;
import ai.together.sandbox.emulator.internal.exec.SandboxExecs;
import ai.together.sandbox.emulator.internal.exec.SandboxNamespace;
import ai.together.sandbox.emulator.internal.files.SandboxFiles;
import ai.together.sandbox.emulator.internal.http.ApiException;
import ai.together.sandbox.emulator.internal.http.Json;
import ai.together.sandbox.emulator.internal.http.Reply;
import ai.together.sandbox.emulator.internal.state.Ids;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * The exec endpoints of the agent API with more to them than a call of an exec: the bodies that
 * create and start an exec and write its input, and the streams of the exec list and of output.
 */
final class ExecHandlers {

	private static final Pattern RESIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

	private ExecHandlers() {
	}

	static Map<String, Object> start(AgentCall call, Map<String, Object> body) {
		String status = Json.requiredString(body, "status");
		if (!status.equalsIgnoreCase("running")) {
			throw ApiException.badRequest("'status' can only be 'running'");
		}
		call.exec().start();
		return call.exec().toJson();
	}

	static Map<String, Object> input(AgentCall call, Map<String, Object> body) {
		ExecProcess exec = call.exec();
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
		return exec.toJson();
	}

	static Mono<Reply> streamList(AgentCall call) {
		SandboxExecs execs = call.execs();
		Flux<Object> lists = Flux.create(sink -> {
			Consumer<List<Map<String, Object>>> listener = list -> sink.next(Map.of("execs", list));
			sink.onDispose(execs.listen(listener)::run);
			sink.next(Map.of("execs", execs.list()));
		}, FluxSink.OverflowStrategy.LATEST);
		return Mono.just(Reply.sse(lists));
	}

	static Mono<Reply> streamOutput(AgentCall call) {
		return Mono.just(Reply.sse(call.exec().output().stream(call.request().longParam("lastSequence"))));
	}

	static Map<String, Object> create(AgentCall call, Map<String, Object> body, ProcessIsolation isolation,
			OutputBudget budget) {
		SandboxInstance sandbox = call.sandbox();
		String command = Json.requiredString(body, "command");
		if (command.isBlank()) {
			throw ApiException.badRequest("'command' must not be empty");
		}
		List<String> args = Json.stringList(body, "args");
		// The current agent: autostart, user, and stdin always open (it has no interactive flag).
		boolean current = sandbox.isCurrentGeneration();
		Boolean autorun = Json.bool(body, current ? "autostart" : "autorun");
		Boolean interactive = current ? Boolean.TRUE : Json.bool(body, "interactive");
		String execUser = current ? CurrentDialect.user(Json.string(body, "user")) : null;
		Boolean pty = Json.bool(body, "pty");
		String cwd = Json.string(body, "cwd");
		Map<String, String> env = Json.stringMap(body, "env");
		if (!current) {
			Json.integer(body, "uid");
			Json.integer(body, "gid");
		}
		String sandboxCwd = SandboxFiles.normalize(cwd == null || cwd.isEmpty() ? "/" : cwd);
		Path directory = sandbox.files().resolve(sandboxCwd, true);
		if (!Files.isDirectory(directory)) {
			throw ApiException.badRequest("working directory does not exist: " + cwd);
		}
		SandboxNamespace namespace = sandbox.execs().namespace(isolation, sandbox.files().root());
		Map<String, String> environment = new LinkedHashMap<>();
		if (namespace != null) {
			// The sandbox's own view: its root is /, the host's PATH entries mean nothing there.
			environment.put("PATH", ProcessIsolation.SANDBOX_PATH);
			environment.put("HOME", "/");
		}
		else {
			String hostPath = System.getenv("PATH");
			environment.put("PATH", hostPath != null && !hostPath.isEmpty() ? hostPath : "/usr/local/bin:/usr/bin:/bin");
			environment.put("HOME", sandbox.files().root().toString());
		}
		environment.put("LANG", "C.UTF-8");
		environment.put("TERM", Boolean.TRUE.equals(pty) ? "xterm-256color" : "dumb");
		String user = System.getProperty("user.name");
		if (user != null) {
			environment.put("USER", user);
			environment.put("LOGNAME", user);
		}
		if (env != null) {
			env.forEach(ExecHandlers::checkEnvironmentVariable);
			environment.putAll(env);
		}
		checkNoNul("'command'", command);
		if (args != null) {
			args.forEach(arg -> checkNoNul("an argument", arg));
		}
		String resolved;
		if (namespace != null) {
			checkFoundInSandbox(sandbox, command, sandboxCwd, environment.get("PATH"));
			resolved = command;
		}
		else {
			resolved = resolveCommand(sandbox, command);
		}
		ExecCommand exec = new ExecCommand(command, resolved != null ? resolved : command,
				args != null ? args : List.of(), Boolean.TRUE.equals(interactive), Boolean.TRUE.equals(pty), directory,
				sandboxCwd, environment, namespace, isolation.processRecords());
		SandboxExecs execs = sandbox.execs();
		ExecProcess created = execs.add(() -> Ids.alphanumeric(12),
				id -> new ExecProcess(id, exec, budget, execs::changed, current, execUser));
		if (autorun == null || autorun) {
			try {
				created.start();
			}
			catch (RuntimeException ex) {
				execs.remove(created);
				throw ex;
			}
		}
		else {
			execs.changed();
		}
		return created.toJson();
	}

	/** The operating system takes no NUL in names, values and arguments, and no '=' in a name. */
	private static void checkEnvironmentVariable(String name, String value) {
		if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
			throw ApiException.badRequest("invalid environment variable name: must be non-empty, without '=' or NUL");
		}
		checkNoNul("the value of environment variable " + name, value);
	}

	private static void checkNoNul(String what, String value) {
		if (value.indexOf('\0') >= 0) {
			throw ApiException.badRequest(what + " must not contain NUL characters");
		}
	}

	/**
	 * Refuses, as starting a process of this machine would, a command that names nothing in the
	 * sandbox: a path (absolute, or relative to the working directory) or a name looked up on the
	 * {@code PATH}. What the command names is looked up where the namespace shows it: the host's
	 * system directories, else the sandbox's directory.
	 */
	private static void checkFoundInSandbox(SandboxInstance sandbox, String command, String cwd,
			@Nullable String path) {
		List<String> candidates = new java.util.ArrayList<>();
		if (command.contains("/")) {
			candidates.add(command.startsWith("/") ? command : cwd + "/" + command);
		}
		else if (path != null) {
			for (String entry : path.split(":")) {
				if (entry.startsWith("/")) {
					candidates.add(entry + "/" + command);
				}
			}
		}
		for (String candidate : candidates) {
			Path host = ProcessIsolation.hostView(sandbox.files().root(), candidate);
			if (host != null && (Files.exists(host) || Files.isSymbolicLink(host))) {
				return;
			}
		}
		throw ApiException.badRequest("cannot start '" + command + "': error=2, No such file or directory");
	}

	/**
	 * An absolute command that names an executable file of the sandbox runs that file; anything
	 * else is looked up on this machine's PATH.
	 */
	private static @Nullable String resolveCommand(SandboxInstance sandbox, String command) {
		if (!command.startsWith("/")) {
			return null;
		}
		try {
			Path path = sandbox.files().resolve(command, true);
			return Files.isRegularFile(path) ? path.toString() : null;
		}
		catch (ApiException ex) {
			return null;
		}
	}

}
