package ai.together.sandbox.reliability;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import ai.together.sandbox.ReactiveSandbox;
import ai.together.sandbox.ReactiveSandboxDirectories;
import ai.together.sandbox.ReactiveSandboxExecs;
import ai.together.sandbox.ReactiveSandboxFiles;
import ai.together.sandbox.ReactiveSandboxPorts;
import ai.together.sandbox.ReactiveSandboxes;
import ai.together.sandbox.ReactiveSnapshots;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.SandboxDirectories;
import ai.together.sandbox.SandboxExecs;
import ai.together.sandbox.SandboxFiles;
import ai.together.sandbox.SandboxPorts;
import ai.together.sandbox.Sandboxes;
import ai.together.sandbox.Snapshots;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.retry.RetryConfig;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ai.together.sandbox.testing.FakeSandboxExtension;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad input at every public method of every namespace, in both styles, found by reflection so
 * that a method added later is covered without touching this test (a parameter the test does not
 * know fails it, asking for a row in the tables below). Each bad value (null, blank, too short or
 * too long, 1 MB, control characters, not a UUID, not positive) must raise an
 * {@link IllegalArgumentException} naming the parameter, when the method is called (the reactive
 * style does not defer it to subscription), and nothing may reach the server.
 * {@code ValidationTest} covers {@link CreateSandboxRequest} and the client builder in detail.
 */
class BadInputTest {

	private static final String HUGE = "a".repeat(1 << 20);

	private static final String SNAPSHOT_ID = "3f0c6a52-58d1-4c1b-9d7e-2b1f0e6a9c11";

	/** The namespaces whose every public method is checked, blocking and reactive. */
	private static final List<Class<?>> NAMESPACES = List.of(Sandboxes.class, ReactiveSandboxes.class,
			Snapshots.class, ReactiveSnapshots.class, SandboxFiles.class, ReactiveSandboxFiles.class,
			SandboxDirectories.class, ReactiveSandboxDirectories.class, SandboxExecs.class, ReactiveSandboxExecs.class,
			SandboxPorts.class, ReactiveSandboxPorts.class, Sandbox.class, ReactiveSandbox.class);

	/**
	 * Parameters validated only when the returned publisher is subscribed to: the credentials of
	 * the static one-off helpers, which build their own client then (nothing is sent either way).
	 */
	private static final List<String> CHECKED_AT_SUBSCRIPTION = List.of("apiKey", "baseUrl");

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox(server);

	@TempDir
	Path context;

	@TempDir
	Path outside;

	private final Map<Class<?>, Object> targets = new LinkedHashMap<>();

	@BeforeEach
	void connect() throws IOException {
		Files.writeString(this.context.resolve("Dockerfile"), "FROM alpine\n");
		TogetherSandbox sdk = this.fake.client();
		Sandbox sandbox = this.fake.sandbox();
		this.targets.put(Sandboxes.class, sdk.sandboxes());
		this.targets.put(ReactiveSandboxes.class, sdk.reactive().sandboxes());
		this.targets.put(Snapshots.class, sdk.snapshots());
		this.targets.put(ReactiveSnapshots.class, sdk.reactive().snapshots());
		this.targets.put(SandboxFiles.class, sandbox.files());
		this.targets.put(ReactiveSandboxFiles.class, sandbox.reactive().files());
		this.targets.put(SandboxDirectories.class, sandbox.directories());
		this.targets.put(ReactiveSandboxDirectories.class, sandbox.reactive().directories());
		this.targets.put(SandboxExecs.class, sandbox.execs());
		this.targets.put(ReactiveSandboxExecs.class, sandbox.reactive().execs());
		this.targets.put(SandboxPorts.class, sandbox.ports());
		this.targets.put(ReactiveSandboxPorts.class, sandbox.reactive().ports());
		this.targets.put(Sandbox.class, sandbox);
		this.targets.put(ReactiveSandbox.class, sandbox.reactive());
		// Only what the bad calls send counts.
		server.resetRequests();
	}

	/** A valid value for each parameter name (and type, where one name has several types). */
	private @Nullable Object valid(Parameter parameter) {
		Class<?> type = parameter.getType();
		return switch (parameter.getName()) {
			case "sandboxId" -> "abc123";
			case "id" -> "exec-1";
			case "path", "from", "to" -> "/src/a.txt";
			case "data" -> "input\n";
			case "content" -> (type == byte[].class) ? new byte[] { 1, 2 } : "text";
			case "cols" -> 80;
			case "rows" -> 24;
			case "lastSequence", "recursive", "ignorePatterns" -> null;
			case "versionNumber" -> (type == int.class) ? 1 : null;
			case "request" -> (type == ExecRequest.class) ? ExecRequest.of("echo", "hi")
					: CreateSandboxRequest.fromSnapshotAlias("app@v1");
			case "params" -> (type == ImageSnapshotParams.class) ? ImageSnapshotParams.of("node:22")
					: ContextSnapshotParams.of(this.context);
			case "timeout" -> Duration.ofSeconds(5);
			case "snapshotId" -> SNAPSHOT_ID;
			case "alias" -> "app@v1";
			case "apiKey" -> "key";
			case "baseUrl" -> server.baseUrl();
			case "info" -> this.fake.sandbox().vmInfo();
			case "target" -> this.outside.resolve("downloaded.bin");
			case "out" -> new java.io.ByteArrayOutputStream();
			case "source" -> (type == Path.class) ? this.outside.resolve("upload.bin")
					: (type == java.io.InputStream.class) ? new java.io.ByteArrayInputStream(new byte[1])
							: reactor.core.publisher.Flux.empty();
			default -> throw new AssertionError("BadInputTest does not know parameter '" + parameter.getName() + "' of "
					+ parameter.getDeclaringExecutable() + ": add it to valid() and badValues()");
		};
	}

	/** The bad values of each parameter; each must be rejected with the parameter's name. */
	private static List<@Nullable Object> badValues(Parameter parameter) {
		return switch (parameter.getName()) {
			case "sandboxId" -> list(null, "", "   ", "abc12", "abcdefghi", "abc\n12", "abc\u000012", "abc/12",
					"abc 12", "\tabc12", HUGE);
			case "id" -> list(null, "", " ", "ex\u0000ec", "ex\nec", "\u007f", "exec\u0085", HUGE);
			case "path", "from", "to" -> list(null, "", "  ", "/a\u0000b", "/a\nb", "/a\rb", "/a\tb", "/a\u001bb",
					"/a\u007fb", "/a\u0085b", "/" + HUGE);
			case "snapshotId" -> list(null, "", " ", "not-a-uuid", "1-2-3-4-5", SNAPSHOT_ID + "0",
					SNAPSHOT_ID.substring(1), "{" + SNAPSHOT_ID + "}", SNAPSHOT_ID.replace('-', '\n'), HUGE);
			case "alias" -> list(null, "", " ", "app@\nv1", "app\u0000", HUGE);
			case "data", "request", "params", "info", "target", "out", "source" -> list((Object) null);
			case "content" -> list((Object) null);
			case "cols", "rows" -> list(0, -1, Integer.MIN_VALUE);
			case "versionNumber" -> list(0, -1, Integer.MIN_VALUE);
			case "timeout" -> list(null, Duration.ZERO, Duration.ofMillis(-1));
			case "ignorePatterns" -> list(Arrays.asList("*.log", null));
			case "apiKey" -> list("key with spaces", "key\n", "k\u0000y");
			case "baseUrl" -> list("not a url", "ftp://example.com", "http://host?x=1", "localhost:8080", HUGE);
			// Every value is valid: a negative lastSequence counts back from the end, recursive
			// null leaves the choice to the agent.
			case "lastSequence", "recursive" -> List.of();
			default -> throw new AssertionError("BadInputTest does not know parameter '" + parameter.getName()
					+ "' of " + parameter.getDeclaringExecutable() + ": add it to valid() and badValues()");
		};
	}

	@SafeVarargs
	private static List<@Nullable Object> list(@Nullable Object... values) {
		return Arrays.asList(values);
	}

	@Test
	void everyPublicMethodRejectsBadInputNamingTheParameterBeforeAnyRequest() throws Exception {
		int methods = 0;
		int tried = 0;
		List<String> failures = new ArrayList<>();
		for (Class<?> namespace : NAMESPACES) {
			for (Method method : publicMethods(namespace)) {
				Parameter[] parameters = method.getParameters();
				if (parameters.length == 0) {
					continue;
				}
				methods++;
				assertThat(parameters).allSatisfy((parameter) -> assertThat(parameter.isNamePresent())
					.as("parameter names are compiled in (-parameters)")
					.isTrue());
				Object target = Modifier.isStatic(method.getModifiers()) ? null : this.targets.get(namespace);
				for (int index = 0; index < parameters.length; index++) {
					for (Object bad : badValues(parameters[index])) {
						tried++;
						Object[] arguments = new Object[parameters.length];
						for (int other = 0; other < parameters.length; other++) {
							arguments[other] = (other == index) ? bad : valid(parameters[other]);
						}
						String problem = check(method, target, parameters[index], arguments);
						if (problem != null) {
							failures.add(describe(method) + " with " + parameters[index].getName() + " = "
									+ printable(bad) + ": " + problem);
						}
					}
				}
			}
		}
		System.out.printf("bad input: %d methods with parameters, %d bad inputs tried%n", methods, tried);
		assertThat(failures).as("methods that accepted bad input or did not name the parameter").isEmpty();
		assertThat(methods).as("methods with parameters found by reflection").isGreaterThanOrEqualTo(60);
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	/** Calls a method with one bad argument; returns what went wrong, or null when it was rejected. */
	private static @Nullable String check(Method method, @Nullable Object target, Parameter bad, Object[] arguments) {
		Throwable error;
		try {
			Object result = method.invoke(target, arguments);
			if (!CHECKED_AT_SUBSCRIPTION.contains(bad.getName())) {
				close(result);
				return "accepted (returned " + result + ")";
			}
			error = catchThrowable(() -> Flux.from((Publisher<?>) result).blockLast(Duration.ofSeconds(10)));
		}
		catch (InvocationTargetException ex) {
			error = ex.getCause();
		}
		catch (IllegalAccessException ex) {
			return "not accessible: " + ex;
		}
		if (!(error instanceof IllegalArgumentException)) {
			return "threw " + error;
		}
		if (error.getMessage() == null || !error.getMessage().contains(bad.getName())) {
			return "message does not name the parameter: " + error.getMessage();
		}
		if (error.getMessage().length() > 2_000) {
			return "message echoes the whole input (" + error.getMessage().length() + " characters)";
		}
		return null;
	}

	private static void close(@Nullable Object result) {
		if (result instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static List<Method> publicMethods(Class<?> type) {
		return Arrays.stream(type.getDeclaredMethods())
			.filter((method) -> Modifier.isPublic(method.getModifiers()) && !method.isSynthetic())
			.sorted(Comparator.comparing(BadInputTest::describe))
			.toList();
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + Arrays.stream(method.getParameters())
			.map((parameter) -> parameter.getType().getSimpleName() + " " + parameter.getName())
			.toList()
			.toString()
			.replace('[', '(')
			.replace(']', ')');
	}

	private static String printable(@Nullable Object value) {
		if (value instanceof String text) {
			String shown = (text.length() > 40) ? text.substring(0, 40) + "…(" + text.length() + " chars)" : text;
			StringBuilder escaped = new StringBuilder("\"");
			shown.chars().forEach((c) -> escaped.append((c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
					? String.format("\\u%04x", c) : String.valueOf((char) c)));
			return escaped.append('"').toString();
		}
		return String.valueOf(value);
	}

	private Path dockerfileOutside() {
		try {
			return Files.writeString(this.outside.resolve("Dockerfile"), "FROM alpine\n");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The requests and parameter objects that carry input into those methods, and the client
	 * builder's settings not covered by {@code ValidationTest}: each bad value names its field.
	 */
	@Test
	void requestObjectsAndSettingsRejectBadInputNamingTheField() {
		Map<String, List<Supplier<Object>>> cases = new LinkedHashMap<>();
		cases.put("command", List.of(() -> ExecRequest.of(null), () -> ExecRequest.of(" "),
				() -> ExecRequest.of("ls\u0000"), () -> ExecRequest.of(HUGE)));
		cases.put("args[1]", List.of(() -> ExecRequest.builder("ls").args(Arrays.asList("-l", null)).build()));
		cases.put("cwd", List.of(() -> ExecRequest.builder("ls").cwd("").build(),
				() -> ExecRequest.builder("ls").cwd("/a\nb").build(), () -> ExecRequest.builder("ls").cwd(HUGE).build()));
		cases.put("env", List.of(() -> ExecRequest.builder("ls").env("A=B", "1").build(),
				() -> ExecRequest.builder("ls").env("", "1").build(),
				() -> ExecRequest.builder("ls").env("A\u0000", "1").build(),
				() -> ExecRequest.builder("ls").env("A", null).build()));
		cases.put("uid", List.of(() -> ExecRequest.builder("ls").uid(-1L).build(),
				() -> ExecRequest.builder("ls").uid(1L << 32).build()));
		cases.put("gid", List.of(() -> ExecRequest.builder("ls").gid(-1L).build()));
		cases.put("image", List.of(() -> ImageSnapshotParams.of(null), () -> ImageSnapshotParams.of(""),
				() -> ImageSnapshotParams.of("node\n22"), () -> ImageSnapshotParams.of(HUGE)));
		cases.put("alias", List.of(() -> ImageSnapshotParams.builder("node:22").alias(" ").build(),
				() -> ContextSnapshotParams.builder(this.context).alias(HUGE).build()));
		cases.put("context", List.of(() -> ContextSnapshotParams.of(null),
				() -> this.fake.client().reactive()
					.snapshots()
					.create(ContextSnapshotParams.of(this.context.resolve("missing"))),
				() -> this.fake.client().reactive()
					.snapshots()
					.create(ContextSnapshotParams.of(this.context.resolve("Dockerfile")))));
		cases.put("dockerfile", List.of(() -> this.fake.client().reactive()
			.snapshots()
			.create(ContextSnapshotParams.builder(this.context).dockerfile(dockerfileOutside()).build()),
				() -> this.fake.client().reactive()
					.snapshots()
					.create(ContextSnapshotParams.builder(this.context)
						.dockerfile(Path.of("Missing.Dockerfile"))
						.build())));
		cases.put("streamIdleTimeout", List.of(() -> TogetherSandbox.builder().streamIdleTimeout(Duration.ZERO),
				() -> TogetherSandbox.builder().streamIdleTimeout(Duration.ofSeconds(-1)),
				() -> TogetherSandbox.builder().streamIdleTimeout(null)));
		cases.put("maxConnections", List.of(() -> TogetherSandbox.builder().maxConnections(0),
				() -> TogetherSandbox.builder().maxConnections(-1)));
		cases.put("maxAttempts", List.of(() -> RetryConfig.builder().maxAttempts(0)));
		cases.put("multiplier", List.of(() -> RetryConfig.builder().multiplier(0.5),
				() -> RetryConfig.builder().multiplier(Double.NaN),
				() -> RetryConfig.builder().multiplier(Double.POSITIVE_INFINITY)));
		cases.put("jitter", List.of(() -> RetryConfig.builder().jitter(Duration.ofMillis(-1))));
		cases.put("initialDelay", List.of(() -> RetryConfig.builder().initialDelay(Duration.ofMillis(-1))));
		cases.put("retryableStatuses", List.of(() -> RetryConfig.builder().retryableStatuses(List.of(99)),
				() -> RetryConfig.builder().retryableStatuses(List.of(600)),
				() -> RetryConfig.builder().retryableStatuses(null)));
		cases.put("request.autorun", List.of(() -> this.fake.sandbox()
			.execs()
			.run(ExecRequest.builder("ls").autorun(false).build())));
		List<String> failures = new ArrayList<>();
		int tried = 0;
		for (Map.Entry<String, List<Supplier<Object>>> entry : cases.entrySet()) {
			for (Supplier<Object> call : entry.getValue()) {
				tried++;
				Throwable error = catchThrowable(call::get);
				if (!(error instanceof IllegalArgumentException) || error.getMessage() == null
						|| !error.getMessage().contains(entry.getKey().replaceAll("\\[\\d+]$", ""))) {
					failures.add(entry.getKey() + " (case " + entry.getValue().indexOf(call) + "): " + error);
				}
			}
		}
		System.out.printf("bad input: %d request and setting values tried%n", tried);
		assertThat(failures).isEmpty();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

}
