package ai.together.sandbox.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: a wildcard bind says so in the banner and the log, with a loud warning; the emulator is
 * only ever contacted through 127.0.0.1.
 */
class WildcardBindTest {

	@Test
	void aWildcardBindIsNamedAndWarnedAbout() throws IOException, InterruptedException {
		Logger logger = (Logger) LoggerFactory.getLogger(SandboxEmulator.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		EmulatorOptions options = EmulatorMain.parse(new String[] { "--bind", "0.0.0.0", "--port", "0" });
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			String banner = String.join("\n", EmulatorMain.banner(emulator, options));
			assertThat(banner).contains("0.0.0.0:" + emulator.port())
				.contains("all interfaces")
				.contains("http://127.0.0.1:" + emulator.port())
				.contains("WARNING")
				.contains("current user")
				.contains("network");
			String warnings = appender.list.stream()
				.filter(event -> event.getLevel() == Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.collect(Collectors.joining("\n"));
			assertThat(warnings).contains("0.0.0.0:" + emulator.port()).contains("current user").contains("network");
			assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port());
			HttpResponse<String> health = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emulator.port() + "/api/v1/sandboxes"))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).isEqualTo(401);
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aLoopbackBindHasNoNetworkWarning() {
		EmulatorOptions options = EmulatorOptions.defaults();
		try (SandboxEmulator emulator = SandboxEmulator.start(options)) {
			List<String> banner = EmulatorMain.banner(emulator, options);
			assertThat(banner.get(0)).isEqualTo("Together Sandbox emulator listening on " + emulator.baseUrl());
			assertThat(String.join("\n", banner)).doesNotContain("WARNING");
		}
	}

}
