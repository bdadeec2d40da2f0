package ai.together.sandbox.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.core.StreamResponse;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecOutput;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.testing.AgentResponses;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer;
import ai.together.sandbox.testing.FakeSandboxServer.Request;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The API key and the agent token, both distinctive strings, appear in no exception message (nor
 * in any cause's), in no {@code toString()} of any object of ours reachable from the client and a
 * sandbox, and in no log line while everything logs at DEBUG ({@code ai.together},
 * {@code reactor.netty}, {@code org.springframework.web.reactive} and the rest) - also when a
 * server echoes the credential back in an error body. Each is sent, and only as a bearer token.
 */
class SecretsTest {

	private static final String API_KEY = "sk-RELIABILITY-5e3f9a1c44";

	private static final String AGENT_TOKEN = "agt-RELIABILITY-7b2d4e8f55";

	private static final String DERIVED_KEY = "sk-DERIVED-0c6a19e7d3";

	private static final List<String> SECRETS = List.of(API_KEY, AGENT_TOKEN, "5e3f9a1c44", "7b2d4e8f55");

	private static final List<String> DEBUG_LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "ai.together", "reactor.netty",
			"io.netty", "org.springframework.web.reactive", "org.springframework.http", "org.springframework.core");

	private final Map<String, Level> previousLevels = new java.util.HashMap<>();

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	@RegisterExtension
	final FakeSandboxExtension fake = FakeSandboxExtension.create()
		.server((server) -> server.agentToken(AGENT_TOKEN).agent(this::answer).management(this::answer));

	@BeforeEach
	void logEverythingAtDebug() {
		this.logs.start();
		for (String name : DEBUG_LOGGERS) {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			this.previousLevels.put(name, logger.getLevel());
			logger.setLevel(Level.DEBUG);
		}
		((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(this.logs);
	}

	@AfterEach
	void restoreLogging() {
		((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(this.logs);
		this.previousLevels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
	}

	@Test
	void credentialsAppearInNoMessageToStringOrLogLine() {
		List<String> texts = new ArrayList<>();
		TogetherSandbox sdk = TogetherSandbox.builder()
			.apiKey(API_KEY)
			.baseUrl(this.fake.server().baseUrl())
			.retry(RetryConfig.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1)).build())
			.build();
		Sandbox sandbox;
		try {
			sandbox = sdk.sandboxes().start(FakeSandboxServer.SANDBOX_ID);
			// Successful calls of every kind.
			sandbox.files().create("/a.txt", "hello");
			sandbox.files().read("/a.txt");
			try (StreamResponse<ExecOutput> output = sandbox.execs().streamOutput("exec-1")) {
				output.stream().forEach((message) -> texts.add(message.toString()));
			}
			texts.add(sandbox.execs().create(ExecRequest.builder("env").env("TOKEN", AGENT_TOKEN).build()).toString());
			// Failures of every kind, including servers that echo the credential back.
			List<Throwable> errors = new ArrayList<>();
			errors.add(catchThrowable(() -> sdk.sandboxes().get("echo01")));
			errors.add(catchThrowable(() -> sdk.sandboxes().get("html01")));
			errors.add(catchThrowable(() -> sdk.sandboxes().get("reset1")));
			errors.add(catchThrowable(() -> sdk.sandboxes().get("badjs1")));
			errors.add(catchThrowable(() -> sandbox.files().read("/echo.txt")));
			errors.add(catchThrowable(() -> sandbox.execs().get("echo-exec")));
			errors.add(catchThrowable(() -> sandbox.execs().streamList().stream().count()));
			errors.add(catchThrowable(() -> TogetherSandbox.builder().apiKey(API_KEY + " x").build()));
			assertThat(errors).doesNotContainNull();
			assertThat(errors.get(0)).isInstanceOf(HttpException.class);
			for (Throwable error : errors) {
				if (error instanceof HttpException http) {
					texts.add(http.errors().toString());
					texts.add(String.valueOf(http.code()));
				}
				for (Throwable cause = error; cause != null; cause = cause.getCause()) {
					texts.add(cause.toString());
					for (Throwable suppressed : cause.getSuppressed()) {
						texts.add(suppressed.toString());
					}
				}
			}
			texts.addAll(toStrings(List.of(sdk, sdk.reactive(), sandbox, sandbox.reactive(), sandbox.vmInfo())));
			sandbox.close();
		}
		finally {
			sdk.close();
		}
		List<ILoggingEvent> events = captured();
		List<String> logLines = logLines(events);
		// The capture works: the transport's own DEBUG lines (request lines, responses) are in it.
		assertThat(events).extracting(ILoggingEvent::getLoggerName)
			.anyMatch((name) -> name.startsWith("reactor.netty.http.client"))
			.anyMatch((name) -> name.startsWith("org.springframework.web.reactive.function.client"));
		texts.addAll(logLines);
		for (String secret : SECRETS) {
			assertThat(texts).as("texts containing %s", secret).noneMatch((text) -> text.contains(secret));
		}
		// The credentials were sent, each to its own API, as bearer tokens only.
		assertThat(this.fake.server().authorizations()).contains("Bearer " + API_KEY, "Bearer " + AGENT_TOKEN);
	}

	@Test
	void everyCredentialTheClientKnowsIsRedactedFromEveryPartOfEveryError() {
		TogetherSandbox sdk = client(API_KEY);
		TogetherSandbox derived = sdk.withOptions((options) -> options.apiKey(DERIVED_KEY));
		try {
			// The agent token is learned through the derived client only.
			Sandbox sandbox = derived.sandboxes().start(FakeSandboxServer.SANDBOX_ID);
			List<Throwable> errors = new ArrayList<>();
			// A management error (sent with the API key) quoting the agent token and the derived key.
			errors.add(catchThrowable(() -> sdk.sandboxes().get("quote1")));
			// An agent error (sent with the agent token) quoting both API keys.
			errors.add(catchThrowable(() -> sandbox.files().read("/quote.txt")));
			// A malformed event quoting the API key, in the message and in the parser's exception.
			errors.add(catchThrowable(() -> sandbox.execs().streamOutput("quote-exec").stream().count()));
			assertThat(errors).doesNotContainNull();
			List<String> texts = new ArrayList<>();
			for (Throwable error : errors) {
				texts.addAll(describe(error));
			}
			for (String secret : List.of(API_KEY, AGENT_TOKEN, DERIVED_KEY)) {
				assertThat(texts).as("texts containing %s", secret).noneMatch((text) -> text.contains(secret));
			}
			HttpException management = (HttpException) errors.get(0);
			assertThat(management).hasMessage("Failed to sandboxes.get for sandbox 'quote1': agent token [REDACTED] "
					+ "leaked by [REDACTED] (code: BAD_[REDACTED])");
			assertThat(management.status()).isEqualTo(400);
			assertThat(management.code()).isEqualTo("BAD_[REDACTED]");
			assertThat(management.errors()).containsExactly(new HttpException.FieldError("token", "LEAKED",
					"token [REDACTED]", Map.of("seen", Map.of("tokens", List.of("[REDACTED]", "Bearer [REDACTED]"),
							"count", 2))));
			assertThat(errors.get(1)).hasMessage("Failed to files.read for path '/quote.txt': keys [REDACTED] and "
					+ "[REDACTED] are no agent tokens (code: 403)");
			// A cause quoting a credential is rebuilt: its type is kept in its message.
			assertThat(errors.get(2)).hasMessageStartingWith("execs.streamOutput for id 'quote-exec': received a "
					+ "malformed event, the stream was closed: ").hasMessageContaining("[REDACTED]");
			assertThat(errors.get(2).getCause()).isNotNull()
				.hasMessageStartingWith("tools.jackson.databind.exc.InvalidFormatException: ")
				.hasMessageContaining("[REDACTED]");
			sandbox.close();
		}
		finally {
			derived.close();
			sdk.close();
		}
	}

	@Test
	void aVeryShortApiKeyIsNotRedactedSoMessagesStayReadable() {
		try (TogetherSandbox sdk = client("k")) {
			assertThat(catchThrowable(() -> sdk.sandboxes().get("short1")))
				.hasMessage("Failed to sandboxes.get for sandbox 'short1': no fallback (code: NOT_FOUND)");
		}
	}

	private TogetherSandbox client(String apiKey) {
		return TogetherSandbox.builder()
			.apiKey(apiKey)
			.baseUrl(this.fake.server().baseUrl())
			.retry(RetryConfig.disabled())
			.build();
	}

	/** Every text of an exception: messages, codes and field errors, of it, its causes and suppressed. */
	private static List<String> describe(Throwable error) {
		List<String> texts = new ArrayList<>();
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			texts.add(cause.toString());
			if (cause instanceof HttpException http) {
				texts.add(http.errors().toString());
				texts.add(String.valueOf(http.code()));
			}
			for (Throwable suppressed : cause.getSuppressed()) {
				texts.addAll(describe(suppressed));
			}
		}
		return texts;
	}

	@Test
	void nothingInTheClientTurnsOnWireOrHeaderLogging() throws IOException {
		// Reactor Netty's wiretap logs every byte (headers and bodies) at DEBUG, and Spring's
		// ExchangeFunctions logs headers when request details are enabled: neither may be on.
		List<String> offending;
		try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
			offending = sources.filter((path) -> path.toString().endsWith(".java")).filter((path) -> {
				String source = read(path);
				return source.contains(".wiretap(") || source.contains("enableLoggingRequestDetails(true")
						|| source.contains("LoggingHandler");
			}).map(Path::toString).toList();
		}
		assertThat(offending).isEmpty();
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private org.reactivestreams.Publisher<Void> answer(Request request,
			reactor.netty.http.server.HttpServerResponse response) {
		String uri = request.uri();
		String authorization = String.valueOf(request.authorization());
		if (uri.endsWith("/sandboxes/quote1")) {
			return AgentResponses.json(response, 400, "{\"code\":\"BAD_" + AGENT_TOKEN + "\",\"message\":\"agent token "
					+ AGENT_TOKEN + " leaked by " + DERIVED_KEY + "\",\"errors\":[{\"parameter\":\"token\",\"code\":"
					+ "\"LEAKED\",\"message\":\"token " + AGENT_TOKEN + "\",\"details\":{\"seen\":{\"tokens\":[\""
					+ AGENT_TOKEN + "\",\"" + authorization + "\"],\"count\":2}}}]}");
		}
		if (uri.endsWith("/sandboxes/short1")) {
			return AgentResponses.json(response, 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no fallback\"}");
		}
		if (uri.contains("/files/%2Fquote.txt")) {
			return AgentResponses.json(response, 403, "{\"code\":403,\"message\":\"keys " + API_KEY + " and "
					+ DERIVED_KEY + " are no agent tokens\"}");
		}
		if (uri.contains("/stream/execs/quote-exec/io")) {
			return AgentResponses.sse(response).sendString(Mono.just("data: {\"type\":\"stdout\",\"output\":\"x\","
					+ "\"sequence\":\"" + API_KEY + "\"}\n\n")).then();
		}
		if (uri.endsWith("/sandboxes/echo01") || uri.contains("/files/%2Fecho.txt") || uri.endsWith("/execs/echo-exec")) {
			// A careless server that quotes the credential it refused.
			return AgentResponses.json(response, 401, "{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid credential '"
					+ authorization + "'\",\"errors\":[{\"parameter\":\"Authorization\",\"message\":\"bad "
					+ authorization + "\"}]}");
		}
		if (uri.endsWith("/sandboxes/html01")) {
			return response.status(200).header("Content-Type", "text/html").sendString(Mono.just("<html>"
					+ authorization + "</html>")).then();
		}
		if (uri.endsWith("/sandboxes/reset1")) {
			return request.closeConnection();
		}
		if (uri.endsWith("/sandboxes/badjs1")) {
			return AgentResponses.json(response, 200, "{\"id\":\"badjs1\",\"agent_token\":\"" + AGENT_TOKEN
					+ "\",\"status\": oops");
		}
		if (uri.contains("/stream/execs/") && uri.contains("/io")) {
			return response.status(200)
				.header("Content-Type", "text/event-stream")
				.sendString(Flux.just("data: {\"type\":\"stdout\",\"output\":\"hi\",\"sequence\":1}\n\n",
						"data: {\"type\":\"stdout\",\"output\":\"\",\"sequence\":2,\"exitCode\":0}\n\n"));
		}
		if (uri.contains("/stream/execs")) {
			return response.status(403).header("Content-Type", "application/json").sendString(Mono.just(
					"{\"code\":403,\"message\":\"token " + authorization + " may not stream\"}")).then();
		}
		if (uri.contains("/files/")) {
			return AgentResponses.json(response, 201, "{\"path\":\"/a.txt\",\"content\":\"hello\",\"encoding\":\"utf-8\"}");
		}
		if (uri.endsWith("/api/v1/execs")) {
			return AgentResponses.json(response, 201, "{\"id\":\"exec-2\",\"command\":\"env\",\"args\":[],"
					+ "\"status\":\"RUNNING\",\"pid\":7,\"interactive\":false,\"pty\":false}");
		}
		return AgentResponses.json(response, 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}");
	}

	private List<ILoggingEvent> captured() {
		// Appending is synchronized on the appender; event loops may still be logging.
		synchronized (this.logs) {
			return new ArrayList<>(this.logs.list);
		}
	}

	private static List<String> logLines(List<ILoggingEvent> events) {
		List<String> lines = new ArrayList<>();
		for (ILoggingEvent event : events) {
			lines.add(event.getFormattedMessage());
			for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
				lines.add(proxy.getClassName() + ": " + proxy.getMessage());
			}
		}
		return lines;
	}

	/**
	 * The {@code toString()} of every object of ours reachable from the roots through fields,
	 * collections and maps.
	 */
	private static List<String> toStrings(List<Object> roots) {
		List<String> texts = new ArrayList<>();
		Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
		java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>(roots);
		while (!pending.isEmpty()) {
			Object current = pending.pop();
			if (!seen.add(current)) {
				continue;
			}
			if (current instanceof Collection<?> collection) {
				collection.stream().filter(java.util.Objects::nonNull).forEach(pending::push);
				continue;
			}
			if (current instanceof Map<?, ?> map) {
				map.forEach((key, value) -> {
					if (value != null) {
						pending.push(value);
					}
				});
				continue;
			}
			if (!current.getClass().getName().startsWith("ai.together.sandbox")) {
				continue;
			}
			texts.add(current.getClass().getName() + ": " + current);
			for (Class<?> type = current.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
				for (Field field : type.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
						continue;
					}
					Object value = read(field, current);
					if (value != null) {
						pending.push(value);
					}
				}
			}
		}
		assertThat(texts.size()).as("objects of ours reached").isGreaterThan(10);
		return texts;
	}

	private static @Nullable Object read(Field field, Object owner) {
		try {
			field.setAccessible(true);
			return field.get(owner);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException("cannot read " + field, ex);
		}
	}

}
