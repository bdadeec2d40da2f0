package ai.together.sandbox.ai;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.ai.ConversationSandboxes.Binding;
import ai.together.sandbox.ai.SandboxToolCallEvent.Outcome;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.execs.ExecItem;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecOutputType;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.execs.ExecResult;
import ai.together.sandbox.execs.ExecTimeoutException;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.ports.PortInfo;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The sandbox tools, as a Spring AI {@link ToolCallbackProvider}: each tool works in the sandbox
 * of the calling conversation ({@link ConversationSandboxes}), never on the application's host.
 * Results are JSON objects; failures, timeouts and limits end the call with a
 * {@link ToolExecutionException} whose message is a short sentence for the model. No result or
 * message shows the API key or a sandbox's agent token.
 * <p>
 * Every call is observed as {@value #OBSERVATION_NAME} (low-cardinality tags {@code tool} and
 * {@code outcome}) and published as a {@link SandboxToolCallEvent}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SandboxTools implements ToolCallbackProvider {

	/** The name of the observation of each tool call. */
	public static final String OBSERVATION_NAME = "together.sandbox.ai.tool";

	/** Runs a shell command to completion. */
	public static final String RUN_COMMAND = "sandbox_run_command";

	/** Writes a text file. */
	public static final String WRITE_FILE = "sandbox_write_file";

	/** Reads a text file. */
	public static final String READ_FILE = "sandbox_read_file";

	/** Lists a directory. */
	public static final String LIST_DIRECTORY = "sandbox_list_directory";

	/** Starts a long-running shell command. */
	public static final String START_PROCESS = "sandbox_start_process";

	/** Reads the output of a started command. */
	public static final String READ_PROCESS_OUTPUT = "sandbox_read_process_output";

	/** Lists the open ports. */
	public static final String LIST_PORTS = "sandbox_list_ports";

	private static final String REDACTED = "[REDACTED]";

	private static final int MAX_MESSAGE = 500;

	private static final int MAX_ENTRIES = 1000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConversationSandboxes sandboxes;

	private final SandboxToolsProperties properties;

	private final ObservationRegistry observationRegistry;

	private final ApplicationEventPublisher events;

	private final Set<String> secrets;

	private final Function<ToolContext, @Nullable String> sessionId;

	private final ToolCallback[] callbacks;

	SandboxTools(ConversationSandboxes sandboxes, SandboxToolsProperties properties,
			ObservationRegistry observationRegistry, ApplicationEventPublisher events, Set<String> secrets,
			Function<ToolContext, @Nullable String> sessionId) {
		this.sandboxes = sandboxes;
		this.properties = properties;
		this.observationRegistry = observationRegistry;
		this.events = events;
		this.secrets = Set.copyOf(secrets);
		this.sessionId = sessionId;
		this.callbacks = new ToolCallback[] { tool(RUN_COMMAND, """
				Runs a shell command (sh -c) in this conversation's sandbox, an isolated Linux VM, and \
				waits for it to exit. Returns exit_code, stdout and stderr (long output has its middle cut, \
				with a marker saying how many characters). The working directory is the sandbox workspace \
				unless cwd is given. Commands that run longer than the timeout are stopped: run servers and \
				other long-running work with sandbox_start_process instead.""", """
				{"type":"object","properties":{\
				"command":{"type":"string","description":"The shell command, for example: python3 main.py"},\
				"cwd":{"type":"string","description":"Working directory; relative paths start at the workspace"},\
				"timeout_seconds":{"type":"integer","minimum":1,"description":"Stop the command after this many seconds (capped by the server's limit)"}\
				},"required":["command"],"additionalProperties":false}""", this::runCommand),
				tool(WRITE_FILE, """
						Writes a text file in this conversation's sandbox, replacing it if it exists. \
						Relative paths start at the sandbox workspace.""", """
						{"type":"object","properties":{\
						"path":{"type":"string","description":"The file path, for example: src/main.py"},\
						"content":{"type":"string","description":"The complete text of the file"}\
						},"required":["path","content"],"additionalProperties":false}""", this::writeFile),
				tool(READ_FILE, """
						Reads a text file in this conversation's sandbox. Relative paths start at the \
						sandbox workspace. Files larger than the server's limit are refused: read parts of \
						them with sandbox_run_command (head, tail, sed -n).""", """
						{"type":"object","properties":{\
						"path":{"type":"string","description":"The file path, for example: result.txt"}\
						},"required":["path"],"additionalProperties":false}""", this::readFile),
				tool(LIST_DIRECTORY, """
						Lists a directory in this conversation's sandbox: the name, type (file or \
						directory) and size of each entry. Without a path, lists the sandbox workspace.""", """
						{"type":"object","properties":{\
						"path":{"type":"string","description":"The directory; relative paths start at the workspace"}\
						},"additionalProperties":false}""", this::listDirectory),
				tool(START_PROCESS, """
						Starts a shell command (sh -c) in this conversation's sandbox without waiting for it, \
						for servers and other long-running work. Returns its process_id; read its output \
						later with sandbox_read_process_output.""", """
						{"type":"object","properties":{\
						"command":{"type":"string","description":"The shell command, for example: python3 -m http.server 8000"},\
						"cwd":{"type":"string","description":"Working directory; relative paths start at the workspace"}\
						},"required":["command"],"additionalProperties":false}""", this::startProcess),
				tool(READ_PROCESS_OUTPUT, """
						Reads the output so far of a command started with sandbox_start_process: its status \
						(running or finished), exit_code once finished, stdout and stderr.""", """
						{"type":"object","properties":{\
						"process_id":{"type":"string","description":"The process_id that sandbox_start_process returned"}\
						},"required":["process_id"],"additionalProperties":false}""", this::readProcessOutput),
				tool(LIST_PORTS, """
						Lists the TCP ports that processes in this conversation's sandbox listen on.""", """
						{"type":"object","properties":{},"additionalProperties":false}""", this::listPorts) };
	}

	@Override
	public ToolCallback[] getToolCallbacks() {
		return this.callbacks.clone();
	}

	private ToolCallback tool(String name, String description, String schema, Handler handler) {
		return new SandboxTool(ToolDefinition.builder().name(name).description(description).inputSchema(schema).build(),
				handler);
	}

	private String runCommand(JsonNode args, Sandbox sandbox) {
		String command = requiredText(args, "command");
		Duration timeout = this.properties.getCallTimeout();
		JsonNode seconds = args.get("timeout_seconds");
		if (seconds != null && !seconds.isNull()) {
			Duration asked = Duration.ofSeconds(Math.min(seconds.asLong(), Integer.MAX_VALUE));
			timeout = (asked.compareTo(timeout) < 0) ? asked : timeout;
		}
		ExecRequest request = shell(command, args);
		ExecResult result;
		try {
			result = sandbox.execs().run(request, timeout);
		}
		catch (ExecTimeoutException ex) {
			throw new SandboxToolException(Outcome.TIMEOUT, "The command did not finish within "
					+ describe(timeout) + " and was stopped. Run long-running work with " + START_PROCESS
					+ " and read its output with " + READ_PROCESS_OUTPUT + ".");
		}
		ObjectNode json = JSON.createObjectNode();
		json.put("exit_code", result.exitCode());
		json.put("stdout", cut(result.stdout()));
		json.put("stderr", cut(result.stderr()));
		json.put("duration_ms", result.duration().toMillis());
		return json.toString();
	}

	private String writeFile(JsonNode args, Sandbox sandbox) {
		String path = path(requiredText(args, "path"));
		String content = requiredText(args, "content");
		sandbox.files().create(path, content);
		ObjectNode json = JSON.createObjectNode();
		json.put("path", path);
		json.put("bytes", content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
		return json.toString();
	}

	private String readFile(JsonNode args, Sandbox sandbox) {
		String path = path(requiredText(args, "path"));
		FileInfo info = sandbox.files().stat(path);
		if (info.isDir()) {
			throw invalid(path + " is a directory; list it with " + LIST_DIRECTORY + ".");
		}
		long limit = this.properties.getMaxFileSize().toBytes();
		if (info.size() > limit) {
			throw new SandboxToolException(Outcome.LIMIT, path + " has " + info.size()
					+ " bytes, more than the limit of " + limit + " bytes that " + READ_FILE
					+ " returns. Read parts of it with " + RUN_COMMAND + " (head -c, tail -c, sed -n).");
		}
		ObjectNode json = JSON.createObjectNode();
		json.put("path", path);
		json.put("content", sandbox.files().read(path));
		return json.toString();
	}

	private String listDirectory(JsonNode args, Sandbox sandbox) {
		String path = path(optionalText(args, "path", this.properties.getWorkdir()));
		List<FileInfo> entries = sandbox.directories().list(path);
		ObjectNode json = JSON.createObjectNode();
		json.put("path", path);
		ArrayNode list = json.putArray("entries");
		entries.stream().limit(MAX_ENTRIES).forEach((entry) -> {
			ObjectNode item = list.addObject();
			item.put("name", entry.name());
			item.put("type", entry.isDir() ? "directory" : "file");
			item.put("size", entry.size());
		});
		if (entries.size() > MAX_ENTRIES) {
			json.put("omitted_entries", entries.size() - MAX_ENTRIES);
		}
		return json.toString();
	}

	private String startProcess(JsonNode args, Sandbox sandbox) {
		ExecItem exec = sandbox.execs().create(shell(requiredText(args, "command"), args));
		ObjectNode json = JSON.createObjectNode();
		json.put("process_id", exec.id());
		json.put("status", exec.status().value().toLowerCase(java.util.Locale.ROOT));
		return json.toString();
	}

	private String readProcessOutput(JsonNode args, Sandbox sandbox) {
		String id = requiredText(args, "process_id");
		ExecItem exec = sandbox.execs().get(id);
		StringBuilder stdout = new StringBuilder();
		StringBuilder stderr = new StringBuilder();
		for (ExecOutput output : sandbox.execs().getOutput(id)) {
			if (ExecOutputType.STDERR.equals(output.type())) {
				stderr.append(output.output());
			}
			else if (ExecOutputType.STDOUT.equals(output.type())) {
				stdout.append(output.output());
			}
		}
		ObjectNode json = JSON.createObjectNode();
		json.put("process_id", exec.id());
		json.put("status", exec.status().value().toLowerCase(java.util.Locale.ROOT));
		if (exec.exitCode() != null) {
			json.put("exit_code", exec.exitCode());
		}
		json.put("stdout", cut(stdout.toString()));
		json.put("stderr", cut(stderr.toString()));
		return json.toString();
	}

	private String listPorts(JsonNode args, Sandbox sandbox) {
		ObjectNode json = JSON.createObjectNode();
		ArrayNode ports = json.putArray("ports");
		for (PortInfo port : sandbox.ports().list()) {
			ports.addObject().put("port", port.port()).put("address", port.address());
		}
		return json.toString();
	}

	private ExecRequest shell(String command, JsonNode args) {
		String cwd = path(optionalText(args, "cwd", this.properties.getWorkdir()));
		return ExecRequest.builder("sh").args("-c", command).cwd(cwd).build();
	}

	/** Keeps the head and the tail of long output, the most useful parts for a model. */
	String cut(String text) {
		long limit = this.properties.getMaxOutput().toBytes();
		if (text.length() <= limit) {
			return text;
		}
		int keep = (int) Math.min(limit, Integer.MAX_VALUE);
		int head = keep / 2;
		int tail = keep - head;
		return text.substring(0, head) + "\n[... " + (text.length() - keep) + " characters cut ...]\n"
				+ text.substring(text.length() - tail);
	}

	private String path(String path) {
		if (path.startsWith("/")) {
			return path;
		}
		String workdir = this.properties.getWorkdir();
		if (path.isEmpty() || path.equals(".")) {
			return workdir;
		}
		return (workdir.endsWith("/") ? workdir : workdir + "/") + (path.startsWith("./") ? path.substring(2) : path);
	}

	private static String requiredText(JsonNode args, String name) {
		JsonNode value = args.get(name);
		if (value == null || value.isNull()) {
			throw invalid("The argument " + name + " is required.");
		}
		if (!value.isString()) {
			throw invalid("The argument " + name + " must be a string.");
		}
		return value.asString();
	}

	private static String optionalText(JsonNode args, String name, String fallback) {
		JsonNode value = args.get(name);
		if (value == null || value.isNull()) {
			return fallback;
		}
		if (!value.isString()) {
			throw invalid("The argument " + name + " must be a string.");
		}
		return value.asString();
	}

	private static SandboxToolException invalid(String message) {
		return new SandboxToolException(Outcome.INVALID_INPUT, message);
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	String conversationId(@Nullable ToolContext context) {
		if (context != null) {
			Object value = context.getContext().get(this.properties.getConversationIdKey());
			if (value != null && !value.toString().isBlank()) {
				return value.toString();
			}
			String session = this.sessionId.apply(context);
			if (session != null && !session.isBlank()) {
				return session;
			}
		}
		return this.properties.getDefaultConversationId();
	}

	private String redact(String text) {
		String redacted = text;
		for (String secret : this.secrets) {
			redacted = redacted.replace(secret, REDACTED);
		}
		for (String secret : this.sandboxes.secrets()) {
			redacted = redacted.replace(secret, REDACTED);
		}
		return redacted;
	}

	private SandboxToolException failure(RuntimeException ex) {
		if (ex instanceof SandboxToolException toolException) {
			return toolException;
		}
		if (ex instanceof IllegalArgumentException) {
			// The client's checks of paths, commands and ids: the model can correct its arguments.
			return invalid("Invalid argument: " + ex.getMessage());
		}
		if (ex instanceof HttpException http && http.status() == HttpException.TRANSPORT_FAILURE) {
			return new SandboxToolException(Outcome.FAILURE,
					"The sandbox could not be reached (" + http.operation() + "). Try again later.");
		}
		if (ex instanceof TogetherSandboxException) {
			return new SandboxToolException(Outcome.FAILURE, String.valueOf(ex.getMessage()));
		}
		// Anything else is a bug or an environment problem: its details are for the logs, not the model.
		return new SandboxToolException(Outcome.FAILURE, "The tool failed (" + ex.getClass().getSimpleName() + ").");
	}

	private String shorten(String message) {
		String redacted = redact(message);
		return (redacted.length() <= MAX_MESSAGE) ? redacted : redacted.substring(0, MAX_MESSAGE) + "...";
	}

	@FunctionalInterface
	private interface Handler {

		String handle(JsonNode args, Sandbox sandbox);

	}

	private final class SandboxTool implements ToolCallback {

		private final ToolDefinition definition;

		private final Handler handler;

		private final JsonNode schema;

		SandboxTool(ToolDefinition definition, Handler handler) {
			this.definition = definition;
			this.handler = handler;
			this.schema = JSON.readTree(definition.inputSchema());
		}

		/** Checks the arguments against the input schema, before any sandbox is used. */
		private void validate(JsonNode args) {
			JsonNode properties = this.schema.get("properties");
			for (String name : args.propertyNames()) {
				JsonNode property = properties.get(name);
				if (property == null) {
					throw invalid("Unknown argument " + name + "; the arguments are: "
							+ String.join(", ", properties.propertyNames()) + ".");
				}
				JsonNode value = args.get(name);
				if (value.isNull()) {
					continue;
				}
				String type = property.get("type").asString();
				if (type.equals("string") && !value.isString()) {
					throw invalid("The argument " + name + " must be a string.");
				}
				if (type.equals("integer") && (!value.isIntegralNumber() || value.asLong() < 1)) {
					throw invalid("The argument " + name + " must be a whole number, at least 1.");
				}
			}
			for (JsonNode required : this.schema.path("required")) {
				JsonNode value = args.get(required.asString());
				if (value == null || value.isNull()) {
					throw invalid("The argument " + required.asString() + " is required.");
				}
			}
		}

		@Override
		public ToolDefinition getToolDefinition() {
			return this.definition;
		}

		@Override
		public String call(String toolInput) {
			return call(toolInput, null);
		}

		@Override
		public String call(String toolInput, @Nullable ToolContext toolContext) {
			String tool = this.definition.name();
			String conversation = conversationId(toolContext);
			long start = System.nanoTime();
			Observation observation = Observation.createNotStarted(OBSERVATION_NAME, SandboxTools.this.observationRegistry)
				.lowCardinalityKeyValue("tool", tool)
				.start();
			Outcome outcome = Outcome.FAILURE;
			String sandboxId = null;
			try (Observation.Scope scope = observation.openScope()) {
				JsonNode args = parse(toolInput);
				validate(args);
				Binding binding = SandboxTools.this.sandboxes.acquire(conversation);
				try {
					sandboxId = binding.sandbox().id();
					String result = redact(this.handler.handle(args, binding.sandbox()));
					outcome = Outcome.SUCCESS;
					return result;
				}
				finally {
					SandboxTools.this.sandboxes.done(binding);
				}
			}
			catch (RuntimeException ex) {
				SandboxToolException failure = failure(ex);
				outcome = failure.outcome();
				SandboxToolException shown = new SandboxToolException(outcome, shorten(failure.getMessage()));
				observation.error(shown);
				throw new ToolExecutionException(this.definition, shown);
			}
			finally {
				observation.lowCardinalityKeyValue("outcome", outcome.tagValue());
				observation.stop();
				SandboxTools.this.events.publishEvent(new SandboxToolCallEvent(tool, conversation, sandboxId, outcome,
						Duration.ofNanos(System.nanoTime() - start)));
			}
		}

		private JsonNode parse(@Nullable String input) {
			if (input == null || input.isBlank()) {
				return JSON.createObjectNode();
			}
			JsonNode args;
			try {
				args = JSON.readTree(input);
			}
			catch (JacksonException ex) {
				throw invalid("The arguments are not valid JSON; send a JSON object matching the input schema.");
			}
			if (!args.isObject()) {
				throw invalid("The arguments must be a JSON object matching the input schema.");
			}
			return args;
		}

		@Override
		public String toString() {
			return "SandboxTool[" + this.definition.name() + "]";
		}

	}

}
