package ai.together.sandbox.autoconfigure;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the embedded emulator default and of the failure without an API key.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedEmulatorTests {

	private static final Log logger = LogFactory.getLog(EmbeddedEmulatorTests.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(new HermeticEnvironment())
		.withConfiguration(AutoConfigurations.of(TogetherSandboxAutoConfiguration.class));

	@Test
	void startsTheEmulatorWithoutAKeyAndStopsItWithTheContext(CapturedOutput output) {
		String[] baseUrl = new String[1];
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SandboxEmulator.class).hasSingleBean(TogetherSandbox.class);
			SandboxEmulator emulator = context.getBean(SandboxEmulator.class);
			TogetherSandbox client = context.getBean(TogetherSandbox.class);
			assertThat(client.baseUrl()).isEqualTo(emulator.baseUrl()).startsWith("http://127.0.0.1:");
			assertThat(context.getBean(TogetherSandboxConnectionDetails.class).getApiKey())
				.isEqualTo(emulator.apiKey());
			// A real, authenticated call answered by the emulator.
			assertThat(client.sandboxes().list()).isEmpty();
			baseUrl[0] = emulator.baseUrl();
		});
		assertThat(output).containsOnlyOnce("the client uses the embedded emulator at " + baseUrl[0]);
		try (TogetherSandbox after = TogetherSandbox.builder()
			.apiKey("any")
			.baseUrl(baseUrl[0])
			.retry(ai.together.sandbox.retry.RetryConfig.disabled())
			.build()) {
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> after.sandboxes().list())
				.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpException.TRANSPORT_FAILURE));
		}
	}

	@Test
	void registersTheConfiguredSnapshotAliases() {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.snapshot-aliases=my-app@v1, team@latest")
			.run((context) -> {
				TogetherSandbox client = context.getBean(TogetherSandbox.class);
				assertThat(client.snapshots().getByAlias("team@latest").id())
					.isNotEqualTo(client.snapshots().getByAlias("my-app@v1").id());
				String id = client.sandboxes().create(CreateSandboxRequest.fromSnapshotAlias("my-app@v1")).id();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(client.sandboxes().get(id).id()).isEqualTo(id));
			});
	}

	@Test
	void failsOnAnInvalidSnapshotAliasNamingTheProperty() {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.snapshot-aliases=my app@v1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("together.sandbox.emulator.snapshot-aliases")
				.hasMessageContaining("namespace@alias"));
	}

	@Test
	void closingTheContextKillsTheExecsWithoutDelayingTheShutdown() {
		List<ProcessHandle> processes = new ArrayList<>();
		long[] closing = new long[1];
		this.contextRunner.run((context) -> {
			TogetherSandbox sdk = context.getBean(TogetherSandbox.class);
			String snapshot = sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
			Sandbox sandbox = sdk.sandboxes()
				.start(sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshot)).id());
			processes.add(ProcessHandle.of(sandbox.execs().create(ExecRequest.of("sleep", "60")).pid()).orElseThrow());
			processes.add(ProcessHandle
				.of(sandbox.execs().create(ExecRequest.of("sh", "-c", "trap '' TERM; sleep 60; echo done")).pid())
				.orElseThrow());
			closing[0] = System.nanoTime();
		});
		Duration took = Duration.ofNanos(System.nanoTime() - closing[0]);
		logger.info("Closing the context with the embedded emulator took " + took.toMillis() + " ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
		// Far more than it takes, far less than one fixed two-second wait.
		assertThat(took).as("closing the context").isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void keepsTheEmulatorDataInTheConfiguredDirectory(@TempDir Path dataDir) {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.data-dir=" + dataDir).run((context) -> {
			SandboxEmulator emulator = context.getBean(SandboxEmulator.class);
			assertThat(emulator.dataDirectory()).isEqualTo(dataDir.toRealPath());
		});
		// Not a temporary directory: it survives the context.
		assertThat(Files.isDirectory(dataDir)).isTrue();
	}

	@Test
	void doesNotStartTheEmulatorWhenAKeyIsSet() {
		this.contextRunner.withPropertyValues("together.sandbox.api-key=real-key")
			.run((context) -> assertThat(context).doesNotHaveBean(SandboxEmulator.class)
				.hasSingleBean(PropertiesTogetherSandboxConnectionDetails.class));
		this.contextRunner.withPropertyValues("TOGETHER_API_KEY=real-key")
			.run((context) -> assertThat(context).doesNotHaveBean(SandboxEmulator.class));
	}

	@Test
	void startsTheEmulatorWhenTheKeyIsAnUnresolvedPlaceholder() {
		// api-key: ${TOGETHER_API_KEY} with the variable unset: the binder keeps the literal.
		this.contextRunner.withPropertyValues("together.sandbox.api-key=${TOGETHER_API_KEY}").run((context) -> {
			assertThat(context).hasSingleBean(SandboxEmulator.class);
			assertThat(context.getBean(TogetherSandbox.class).baseUrl())
				.isEqualTo(context.getBean(SandboxEmulator.class).baseUrl());
		});
	}

	@Test
	void startsTheEmulatorWhenTheKeyIsBlank() {
		this.contextRunner.withPropertyValues("together.sandbox.api-key=  ")
			.run((context) -> assertThat(context).hasSingleBean(SandboxEmulator.class));
	}

	@Test
	void failsWithAnAnalysisWhenTheKeyIsAnUnresolvedPlaceholderAndNoEmulator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SandboxEmulator.class))
			.withPropertyValues("together.sandbox.api-key=${TOGETHER_API_KEY}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new MissingApiKeyFailureAnalyzer().analyze(context.getStartupFailure())).isNotNull();
			});
	}

	@Test
	void modeAlwaysStartsTheEmulatorDespiteAnApiKeyProperty(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("together.sandbox.emulator.mode=always", "together.sandbox.api-key=sk-PROPERTY-4711")
			.run((context) -> {
				assertThat(context).hasSingleBean(SandboxEmulator.class);
				SandboxEmulator emulator = context.getBean(SandboxEmulator.class);
				assertThat(context.getBean(TogetherSandbox.class).baseUrl()).isEqualTo(emulator.baseUrl());
				assertThat(context.getBean(TogetherSandboxConnectionDetails.class).getApiKey())
					.isEqualTo(emulator.apiKey());
			});
		assertThat(output).contains("INFO")
			.contains("together.sandbox.emulator.mode=always")
			.contains("ignores the API key of together.sandbox.api-key")
			.doesNotContain("sk-PROPERTY-4711");
	}

	@Test
	void modeAlwaysStartsTheEmulatorDespiteTheEnvironmentVariable(CapturedOutput output) {
		this.contextRunner.withInitializer(HermeticEnvironment.withVariables(Map.of("TOGETHER_API_KEY", "sk-ENV-4712")))
			.withPropertyValues("together.sandbox.emulator.mode=always")
			.run((context) -> {
				assertThat(context.getEnvironment().getProperty("TOGETHER_API_KEY")).isEqualTo("sk-ENV-4712");
				assertThat(context).hasSingleBean(SandboxEmulator.class);
				TogetherSandbox client = context.getBean(TogetherSandbox.class);
				assertThat(client.baseUrl()).isEqualTo(context.getBean(SandboxEmulator.class).baseUrl());
				// A real call: the emulator answers, with its own key.
				assertThat(client.sandboxes().list()).isEmpty();
			});
		assertThat(output).contains("ignores the API key of the TOGETHER_API_KEY environment variable")
			.doesNotContain("sk-ENV-4712");
	}

	@Test
	void modeAlwaysWithABlankKeyPropertyStillIgnoresTheEnvironmentVariable() {
		this.contextRunner.withInitializer(HermeticEnvironment.withVariables(Map.of("TOGETHER_API_KEY", "sk-ENV-4713")))
			.withPropertyValues("together.sandbox.emulator.mode=always", "together.sandbox.api-key=")
			.run((context) -> assertThat(context).hasSingleBean(SandboxEmulator.class));
	}

	@Test
	void modeAlwaysFailsWhenTheEmulatorIsNotOnTheClasspath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SandboxEmulator.class))
			.withPropertyValues("together.sandbox.emulator.mode=always", "together.sandbox.api-key=real-key")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("together.sandbox.emulator.mode")
					.hasMessageContaining("together-sandbox-emulator is not on the classpath");
			});
	}

	@Test
	void modeNeverDoesNotStartTheEmulatorWithoutAKey() {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.mode=never").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingApiKeyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("together.sandbox.emulator.mode=never");
		});
	}

	@Test
	void modeNeverUsesTheKey() {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.mode=never", "together.sandbox.api-key=k")
			.run((context) -> assertThat(context).doesNotHaveBean(SandboxEmulator.class)
				.hasSingleBean(PropertiesTogetherSandboxConnectionDetails.class));
	}

	@Test
	void modeWhenNoKeyIsTheDefaultAndUsesTheEnvironmentVariable() {
		this.contextRunner.withInitializer(HermeticEnvironment.withVariables(Map.of("TOGETHER_API_KEY", "sk-ENV-4714")))
			.withPropertyValues("together.sandbox.emulator.mode=when-no-key")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SandboxEmulator.class);
				assertThat(context.getBean(TogetherSandboxConnectionDetails.class).getApiKey()).isEqualTo("sk-ENV-4714");
			});
		this.contextRunner.withPropertyValues("together.sandbox.emulator.mode=when-no-key")
			.run((context) -> assertThat(context).hasSingleBean(SandboxEmulator.class));
	}

	@Test
	void failsWithAnAnalysisWithoutKeyAndEmulator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SandboxEmulator.class)).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingApiKeyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("together.sandbox.api-key")
				.contains("TOGETHER_API_KEY")
				.contains("together-sandbox-emulator is not on the classpath");
			assertThat(analysis.getAction()).contains("together.sandbox.api-key")
				.contains("TOGETHER_API_KEY")
				.contains("together-sandbox-emulator");
		});
	}

	@Test
	void failsWithAnAnalysisWhenTheEmulatorIsDisabled() {
		this.contextRunner.withPropertyValues("together.sandbox.emulator.enabled=false").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingApiKeyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("together.sandbox.emulator.enabled=false");
		});
	}

	@Test
	void registersTheFailureAnalyzer() throws Exception {
		List<String> analyzers = new ArrayList<>();
		Enumeration<URL> factories = getClass().getClassLoader().getResources("META-INF/spring.factories");
		while (factories.hasMoreElements()) {
			Properties properties = PropertiesLoaderUtils.loadProperties(new UrlResource(factories.nextElement()));
			analyzers.addAll(StringUtils.commaDelimitedListToSet(
					properties.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", "")));
		}
		assertThat(analyzers).contains(MissingApiKeyFailureAnalyzer.class.getName());
	}

	@Test
	void startsTheReactiveClientAgainstTheEmulator() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ReactiveTogetherSandbox.class)
			.sandboxes()
			.list()
			.collectList()
			.block()).isEmpty());
	}

}
