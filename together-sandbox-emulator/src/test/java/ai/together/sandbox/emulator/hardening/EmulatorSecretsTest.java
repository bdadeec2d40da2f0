package ai.together.sandbox.emulator.hardening;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.execs.ExecRequest;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The emulator never logs its API key or an agent token, with every logger at DEBUG (its own,
 * Reactor Netty's, Netty's), through a whole session: sandboxes started and restarted (each
 * start issues a new token), files, execs, streams, stops, and requests with wrong or missing
 * credentials, including the agent token sent as a {@code ?token=} query parameter.
 */
class EmulatorSecretsTest {

	private static final String API_KEY = "emu-key-DISTINCTIVE-8c41d2";

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private Level previousRootLevel;

	private SandboxEmulator emulator;

	@BeforeEach
	void logEverythingAtDebug() {
		Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
		this.previousRootLevel = root.getLevel();
		root.setLevel(Level.DEBUG);
		this.logs.start();
		root.addAppender(this.logs);
	}

	@AfterEach
	void restore() {
		if (this.emulator != null) {
			this.emulator.close();
		}
		Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
		root.detachAppender(this.logs);
		root.setLevel(this.previousRootLevel);
	}

	@Test
	void noCredentialIsEverLogged() throws IOException {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder().apiKey(API_KEY).build());
		List<String> secrets = new ArrayList<>(List.of(API_KEY));
		try (TogetherSandbox sdk = TogetherSandbox.builder()
			.baseUrl(this.emulator.baseUrl())
			.apiKey(API_KEY)
			.build()) {
			String snapshot = sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
			String id = sdk.sandboxes().create(CreateSandboxRequest.fromSnapshotId(snapshot)).id();
			try (Sandbox sandbox = sdk.sandboxes().start(id)) {
				String token = sandbox.vmInfo().agentToken();
				secrets.add(token);
				sandbox.files().create("/notes.txt", "hello");
				sandbox.files().read("/notes.txt");
				assertThat(sandbox.execs().run(ExecRequest.of("echo", "hi"), Duration.ofSeconds(30)).stdout())
					.isEqualTo("hi\n");
				assertThat(catchThrowableOfType(HttpException.class, () -> sandbox.files().read("/missing.txt")).status())
					.isEqualTo(404);
				String agentPath = sandbox.vmInfo().agentUrl().replaceFirst("^http://[^/]+", "");
				// Wrong, missing, and query-parameter credentials.
				assertThat(RawHttp.send(this.emulator.port(), "GET", agentPath + "/api/v1/execs",
						RawHttp.bearer(token + "x"), null).status()).isEqualTo(401);
				assertThat(RawHttp.send(this.emulator.port(), "GET", agentPath + "/api/v1/execs?token=" + token,
						Map.of(), null).status()).isEqualTo(200);
				assertThat(RawHttp.send(this.emulator.port(), "GET", "/api/v1/sandboxes", RawHttp.bearer(API_KEY + "x"),
						null).status()).isEqualTo(401);
				assertThat(RawHttp.send(this.emulator.port(), "GET", agentPath + "/api/v1/files/%2F..%2Fx",
						RawHttp.bearer(token), null).status()).isEqualTo(400);
				sandbox.hibernate();
			}
			// A restart issues a new token.
			try (Sandbox restarted = sdk.sandboxes().start(id)) {
				secrets.add(restarted.vmInfo().agentToken());
				restarted.files().read("/notes.txt");
				restarted.shutdown();
			}
			sdk.sandboxes().delete(id);
		}
		this.emulator.close();
		List<String> lines = new ArrayList<>();
		synchronized (this.logs) {
			for (ILoggingEvent event : this.logs.list) {
				lines.add(event.getLoggerName() + " " + event.getFormattedMessage());
				for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
					lines.add(proxy.getClassName() + ": " + proxy.getMessage());
				}
			}
		}
		assertThat(lines).as("DEBUG lines of the server").anyMatch((line) -> line.startsWith("reactor.netty.http.server"));
		assertThat(secrets).hasSize(3).doesNotHaveDuplicates();
		for (String secret : secrets) {
			assertThat(lines).as("log lines containing a credential").noneMatch((line) -> line.contains(secret));
		}
	}

}
