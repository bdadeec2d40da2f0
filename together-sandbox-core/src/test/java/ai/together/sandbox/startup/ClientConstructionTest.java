package ai.together.sandbox.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.TogetherSandbox;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Building a client (an application's startup) loads neither the HTTP stack nor a JSON mapper:
 * both are made on the first call. Checked in a fresh JVM, whose class loading is its own.
 */
class ClientConstructionTest {

	@Test
	void buildingClientsLoadsNoHttpStackAndBuildsNoJsonMapper() throws Exception {
		List<String> loaded = loadedClasses(Probe.class);
		assertThat(loaded).as("the probe ran").contains(Probe.class.getName());
		assertThat(loaded).as("classes loaded by building clients")
			.contains(ReactiveTogetherSandbox.class.getName())
			.doesNotContain("tools.jackson.databind.json.JsonMapper", "tools.jackson.databind.ObjectMapper",
					"org.springframework.web.reactive.function.client.DefaultWebClient",
					"reactor.netty.resources.PooledConnectionProvider", "io.netty.channel.Channel");
	}

	@Test
	void buildingClientsMakesNoSnapshotBuildPipelineAndNoCallGuard() throws Exception {
		List<String> loaded = loadedClasses(Probe.class);
		assertThat(loaded).as("classes loaded by building clients")
			.doesNotContain("ai.together.sandbox.internal.snapshots.SnapshotBuildPipeline",
					"ai.together.sandbox.internal.snapshots.DockerCli", "ai.together.sandbox.internal.http.InFlight",
					"reactor.core.publisher.FluxOperator");
	}

	@Test
	void buildingAndClosingClientsMakesNoTransportAndStartsNoObservationRegistry() throws Exception {
		List<String> loaded = loadedClasses(BuildAndClose.class);
		assertThat(loaded).as("the probe ran").contains(BuildAndClose.class.getName());
		assertThat(loaded).as("classes loaded by building and closing clients")
			.doesNotContain("ai.together.sandbox.internal.http.HttpTransport",
					"ai.together.sandbox.internal.http.RetryEngine", "ai.together.sandbox.internal.http.Redactor",
					"io.micrometer.observation.ObservationRegistry$1", "io.micrometer.observation.NoopObservationConfig");
	}

	/** Runs a class's main in a fresh JVM on this test's class path and returns the classes it loaded. */
	private static List<String> loadedClasses(Class<?> main) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-Xshare:off", "-verbose:class", "-cp",
				System.getProperty("java.class.path"), main.getName())
			.redirectErrorStream(true)
			.start();
		String output;
		try {
			output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		assertThat(process.exitValue()).as("probe exit status; output:%n%s", output).isZero();
		List<String> classes = new ArrayList<>();
		for (String line : output.split("\n")) {
			// "[0.052s][info][class,load] a.b.C source: ..."
			int start = line.indexOf("[class,load] ");
			if (start >= 0) {
				String rest = line.substring(start + "[class,load] ".length());
				int space = rest.indexOf(' ');
				classes.add((space > 0) ? rest.substring(0, space) : rest.trim());
			}
		}
		return classes;
	}

	/** An application that builds both clients and closes them without a call. */
	static final class BuildAndClose {

		public static void main(String[] args) {
			TogetherSandbox.builder().apiKey("construction-test-key").baseUrl("http://127.0.0.1:9").build().close();
			ReactiveTogetherSandbox.builder().apiKey("construction-test-key").baseUrl("http://127.0.0.1:9").build().close();
		}

	}

	/** What an application's startup does with the SDK: builds both clients and their namespaces. */
	static final class Probe {

		public static void main(String[] args) {
			try (TogetherSandbox sdk = TogetherSandbox.builder().apiKey("construction-test-key")
				.baseUrl("http://127.0.0.1:9")
				.build();
					ReactiveTogetherSandbox reactive = ReactiveTogetherSandbox.builder()
						.apiKey("construction-test-key")
						.baseUrl("http://127.0.0.1:9")
						.build()) {
				sdk.sandboxes();
				sdk.snapshots();
				reactive.sandboxes();
				reactive.snapshots();
				reactive.current();
			}
		}

	}

}
