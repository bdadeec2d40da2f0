package ai.together.sandbox.snapshots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.ReactiveSnapshots;
import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.internal.snapshots.BuildSettings;
import ai.together.sandbox.internal.snapshots.DockerCli;
import ai.together.sandbox.retry.RetryConfig;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Local builds (PROTOCOL.md §5.4) with a fake {@code docker}: a shell script that records each
 * call's arguments and standard input to files and plays the part of {@code docker --version},
 * {@code build}, {@code login} and {@code push}. Management calls go to WireMock.
 */
class LocalBuildTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	static final String PASSWORD = "pw-Secr3t!x9";

	static final String IMAGE_PATTERN = "registry\\.example\\.com/nbswy3dp/image-[0-9a-f-]{36}:[0-9a-f-]{36}";

	static final String FAKE_DOCKER = """
			#!/bin/sh
			dir=$(dirname "$0")
			n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
			echo "$n" > "$dir/count"
			printf '%s\\n' "$@" > "$dir/call-$n.args"
			cat > "$dir/call-$n.stdin"
			case "$1" in
			  --version)
			    echo "Docker version 27.3.1, build fake"
			    exit "$(cat "$dir/version-exit" 2>/dev/null || echo 0)" ;;
			  build)
			    printf '\\033[1m#1 [internal] load build definition from Dockerfile\\033[0m\\n\\n'
			    printf '#2 [1/1] FROM docker.io/library/alpine:latest\\r\\n' >&2
			    printf '#3 DONE 0.1s\\n'
			    code=$(cat "$dir/build-exit" 2>/dev/null || echo 0)
			    if [ "$code" != 0 ]; then echo "ERROR: failed to solve: process did not complete" >&2; fi
			    exit "$code" ;;
			  login)
			    if [ -f "$dir/login-fails" ]; then
			      echo "Error response from daemon: unauthorized: $(cat "$dir/call-$n.stdin")" >&2
			      exit 1
			    fi
			    echo "Login Succeeded"
			    exit 0 ;;
			  push)
			    p=$(( $(cat "$dir/push-count" 2>/dev/null || echo 0) + 1 ))
			    echo "$p" > "$dir/push-count"
			    echo "The push refers to repository [$2]"
			    if [ "$p" -le "$(cat "$dir/push-failures" 2>/dev/null || echo 0)" ]; then
			      echo "connection reset by peer" >&2
			      exit 1
			    fi
			    echo "latest: digest: sha256:0123abcd size: 528"
			    exit 0 ;;
			esac
			exit 64
			""";

	@TempDir
	Path temp;

	Path bin;

	Path docker;

	Path context;

	RecordingSleeper retrySleeps = new RecordingSleeper();

	List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

	ListAppender<ILoggingEvent> logs = new ListAppender<>();

	Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	Logger clientLogger = (Logger) LoggerFactory.getLogger("ai.together");

	@BeforeEach
	void setUp() throws IOException {
		this.bin = Files.createDirectories(this.temp.resolve("bin"));
		this.docker = this.bin.resolve("docker");
		Files.writeString(this.docker, FAKE_DOCKER);
		Files.setPosixFilePermissions(this.docker, PosixFilePermissions.fromString("rwxr-xr-x"));
		this.context = Files.createDirectories(this.temp.resolve("app"));
		Files.writeString(this.context.resolve("Dockerfile"), "FROM alpine:latest\n");
		server.stubFor(post("/api/v1/container-registries/default/credentials").willReturn(json(201,
				"{\"username\":\"robot\",\"password\":\"" + PASSWORD
						+ "\",\"registry_url\":\"registry.example.com/nbswy3dp\",\"expired_at\":\"2026-05-13T10:00:00Z\"}")));
		server.stubFor(post("/api/v1/snapshots").willReturn(json(201, FakeImageBuilder.snapshotJson(FakeImageBuilder.SNAPSHOT_ID))));
		server.stubFor(post("/api/v1/snapshots/" + FakeImageBuilder.SNAPSHOT_ID + "/aliases")
			.willReturn(aResponse().withStatus(204)));
		this.logs.start();
		this.rootLogger.addAppender(this.logs);
		this.clientLogger.setLevel(Level.TRACE);
	}

	@AfterEach
	void tearDown() {
		this.rootLogger.detachAppender(this.logs);
		this.clientLogger.setLevel(null);
	}

	ReactiveSnapshots snapshots(RetryConfig retry, String dockerExecutable, Map<String, String> environment) {
		BuildSettings settings = SnapshotTestSupport.settings(environment, dockerExecutable, new RecordingSleeper());
		return SnapshotTestSupport.snapshots(server.baseUrl(), retry, this.retrySleeps, settings);
	}

	ReactiveSnapshots snapshots(RetryConfig retry) {
		return snapshots(retry, this.docker.toString(), Map.of());
	}

	ContextSnapshotParams.Builder params() {
		return ContextSnapshotParams.builder(this.context)
			.buildMode(SnapshotBuildMode.LOCAL)
			.onProgress(this.progress::add);
	}

	@Test
	void runsTheExactDockerCommandsAndReportsTheSeedsProgress() throws IOException {
		CreateSnapshotResult result = snapshots(RetryConfig.defaults()).create(params().alias("my-app@v1").build())
			.block();

		assertThat(result).isEqualTo(new CreateSnapshotResult(FakeImageBuilder.SNAPSHOT_ID, "my-app@v1"));
		assertThat(calls()).isEqualTo(4);
		assertThat(args(1)).containsExactly("--version");
		List<String> build = args(2);
		String image = build.get(5);
		assertThat(image).matches(IMAGE_PATTERN);
		assertThat(build).containsExactly("build", "--platform", "linux/amd64", "--progress=plain", "-t", image,
				this.context.toRealPath().toString());
		assertThat(args(3)).containsExactly("login", "registry.example.com", "--username", "robot", "--password-stdin");
		assertThat(stdin(3)).isEqualTo(PASSWORD);
		assertThat(args(4)).containsExactly("push", image);
		for (int call = 1; call <= 4; call++) {
			assertThat(String.join(" ", args(call))).doesNotContain(PASSWORD);
			if (call != 3) {
				assertThat(stdin(call)).isEmpty();
			}
		}
		assertThat(this.progress).containsExactly(
				new SnapshotProgress(SnapshotStep.PREPARE, "Preparing snapshot..."),
				new SnapshotProgress(SnapshotStep.BUILD, "Building snapshot..."),
				new SnapshotProgress(SnapshotStep.BUILD, "#1 [internal] load build definition from Dockerfile"),
				new SnapshotProgress(SnapshotStep.BUILD, "#2 [1/1] FROM docker.io/library/alpine:latest"),
				new SnapshotProgress(SnapshotStep.BUILD, "#3 DONE 0.1s"),
				new SnapshotProgress(SnapshotStep.BUILD, "Docker image built successfully: " + image),
				new SnapshotProgress(SnapshotStep.AUTH, "Authenticating..."),
				new SnapshotProgress(SnapshotStep.AUTH, "Login Succeeded"),
				new SnapshotProgress(SnapshotStep.AUTH, "Docker login successful to registry.example.com"),
				new SnapshotProgress(SnapshotStep.PUSH, "Pushing Docker image..."),
				new SnapshotProgress(SnapshotStep.PUSH, "The push refers to repository [" + image + "]"),
				new SnapshotProgress(SnapshotStep.PUSH, "latest: digest: sha256:0123abcd size: 528"),
				new SnapshotProgress(SnapshotStep.PUSH, "Docker image pushed successfully: " + image),
				new SnapshotProgress(SnapshotStep.REGISTER, "Registering snapshot..."),
				new SnapshotProgress(SnapshotStep.ALIAS, "Creating alias..."));
		assertThat(this.progress).noneMatch((event) -> event.output().contains(PASSWORD));
		assertThat(this.logs.list).noneMatch((event) -> event.getFormattedMessage().contains(PASSWORD));
		server.verify(postRequestedFor(urlEqualTo("/api/v1/snapshots"))
			.withRequestBody(equalToJson("{\"image\":\"" + image + "\",\"architecture\":\"amd64\"}", false, false)));
		server.verify(postRequestedFor(urlEqualTo("/api/v1/snapshots/" + FakeImageBuilder.SNAPSHOT_ID + "/aliases"))
			.withRequestBody(matchingJsonPath("$.alias", equalTo("my-app@v1"))));
		assertThat(requestLines()).containsExactly("POST /api/v1/container-registries/default/credentials",
				"POST /api/v1/snapshots", "POST /api/v1/snapshots/" + FakeImageBuilder.SNAPSHOT_ID + "/aliases");
	}

	@Test
	void passesAnExplicitDockerfileWithF() throws IOException {
		Path dockerfile = Files.writeString(Files.createDirectories(this.context.resolve("docker")).resolve("Dockerfile.prod"),
				"FROM node:22\n");

		snapshots(RetryConfig.defaults()).create(params().dockerfile(dockerfile).build()).block();

		List<String> build = args(2);
		assertThat(build.subList(0, 6)).containsExactly("build", "--platform", "linux/amd64", "--progress=plain", "-f",
				dockerfile.toRealPath().toString());
		assertThat(build.get(6)).isEqualTo("-t");
		assertThat(build.get(8)).isEqualTo(this.context.toRealPath().toString());
	}

	@Test
	void retriesAFailedPushWithTheUsersRetryConfiguration() throws IOException {
		Files.writeString(this.bin.resolve("push-failures"), "2");
		List<String> order = new CopyOnWriteArrayList<>();
		RetryConfig retry = RetryConfig.builder()
			.onRetry((context) -> order.add("onRetry " + context.operation() + " attempt " + context.attempt()
					+ " status " + context.status()))
			.build();

		snapshots(retry).create(params().onProgress((event) -> {
			this.progress.add(event);
			if (event.output().startsWith("Push failed")) {
				order.add(event.step() + " " + event.output());
			}
		}).build()).block();

		assertThat(order).containsExactly("push Push failed (attempt 1), retrying in 0.5s\u2026",
				"onRetry snapshots.pushDockerImage attempt 1 status null",
				"push Push failed (attempt 2), retrying in 1.0s\u2026",
				"onRetry snapshots.pushDockerImage attempt 2 status null");
		assertThat(this.retrySleeps.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
		assertThat(calls()).as("version, build, login and three pushes").isEqualTo(6);
		assertThat(args(3)).containsExactly("login", "registry.example.com", "--username", "robot", "--password-stdin");
		assertThat(List.of(args(4), args(5), args(6))).allSatisfy((push) -> assertThat(push).hasSize(2).startsWith("push"));
		assertThat(this.progress).filteredOn((event) -> event.step().equals(SnapshotStep.PUSH))
			.extracting(SnapshotProgress::output)
			.first()
			.isEqualTo("Pushing Docker image...");
		assertThat(this.progress).filteredOn((event) -> event.step().equals(SnapshotStep.PUSH))
			.extracting(SnapshotProgress::output)
			.last()
			.asString()
			.startsWith("Docker image pushed successfully: ");
	}

	@Test
	void aPushThatKeepsFailingIsAClearErrorAndNothingIsRegistered() throws IOException {
		Files.writeString(this.bin.resolve("push-failures"), "99");

		assertThatThrownBy(() -> snapshots(RetryConfig.defaults()).create(params().build()).block())
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessageMatching("Docker push failed with exit code 1\nThe push refers to repository \\[" + IMAGE_PATTERN
					+ "\\]\nconnection reset by peer");
		assertThat(Files.readString(this.bin.resolve("push-count")).trim()).isEqualTo("3");
		assertThat(requestLines()).containsExactly("POST /api/v1/container-registries/default/credentials");
	}

	@Test
	void anExcludedPushIsNotRetried() throws IOException {
		Files.writeString(this.bin.resolve("push-failures"), "1");
		RetryConfig retry = RetryConfig.builder().excludedOperations(List.of("snapshots.pushDockerImage")).build();

		assertThatThrownBy(() -> snapshots(retry).create(params().build()).block())
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessageStartingWith("Docker push failed with exit code 1");
		assertThat(Files.readString(this.bin.resolve("push-count")).trim()).isEqualTo("1");
	}

	@Test
	void missingDockerIsAClearErrorBeforeAnyRequest() {
		ReactiveSnapshots snapshots = snapshots(RetryConfig.defaults(), this.temp.resolve("nowhere/docker").toString(),
				Map.of());

		assertThatThrownBy(() -> snapshots.create(params().build()).block()).isInstanceOf(SnapshotBuildException.class)
			.hasMessage("Docker is not available. Please install Docker to use snapshot builds.");
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void failingDockerVersionMeansDockerIsNotAvailable() throws IOException {
		Files.writeString(this.bin.resolve("version-exit"), "1");

		assertThatThrownBy(() -> snapshots(RetryConfig.defaults()).create(params().build()).block())
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessage(DockerCli.NOT_AVAILABLE);
		assertThat(calls()).isOne();
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void aFailedBuildIsNotRetriedAndCarriesItsOutput() throws IOException {
		Files.writeString(this.bin.resolve("build-exit"), "1");

		assertThatThrownBy(() -> snapshots(RetryConfig.defaults()).create(params().build()).block())
			.isInstanceOfSatisfying(SnapshotBuildException.class, (ex) -> {
				assertThat(ex.getMessage()).isEqualTo("Docker build failed with exit code 1\n"
						+ "#1 [internal] load build definition from Dockerfile\n"
						+ "#2 [1/1] FROM docker.io/library/alpine:latest\n#3 DONE 0.1s\n"
						+ "ERROR: failed to solve: process did not complete");
				assertThat(ex.logTail()).hasSize(4);
			});
		assertThat(calls()).as("version and one build").isEqualTo(2);
	}

	@Test
	void aFailedLoginNeverShowsThePassword() throws IOException {
		Files.writeString(this.bin.resolve("login-fails"), "");

		assertThatThrownBy(() -> snapshots(RetryConfig.defaults()).create(params().build()).block())
			.isInstanceOfSatisfying(SnapshotBuildException.class, (ex) -> {
				assertThat(ex.getMessage()).isEqualTo("Docker login failed with exit code 1\n"
						+ "Error response from daemon: unauthorized: [REDACTED]");
				assertThat(ex.toString()).doesNotContain(PASSWORD);
			});
		assertThat(stdin(3)).isEqualTo(PASSWORD);
		assertThat(this.progress).noneMatch((event) -> event.output().contains(PASSWORD))
			.anyMatch((event) -> event.output().equals("Error response from daemon: unauthorized: [REDACTED]"));
		assertThat(this.logs.list).noneMatch((event) -> event.getFormattedMessage().contains(PASSWORD));
	}

	@Test
	void togetherLocalBuildSelectsTheLocalBuildWhenNoModeIsSet() throws IOException {
		ReactiveSnapshots snapshots = snapshots(RetryConfig.defaults(), this.docker.toString(),
				Map.of("TOGETHER_LOCAL_BUILD", "1"));

		snapshots.create(ContextSnapshotParams.of(this.context)).block();

		assertThat(args(2).get(0)).isEqualTo("build");
		assertThat(requestLines()).first().isEqualTo("POST /api/v1/container-registries/default/credentials");
	}

	private int calls() throws IOException {
		return Integer.parseInt(Files.readString(this.bin.resolve("count")).trim());
	}

	private List<String> args(int call) throws IOException {
		return Files.readAllLines(this.bin.resolve("call-" + call + ".args"), StandardCharsets.UTF_8);
	}

	private String stdin(int call) throws IOException {
		return Files.readString(this.bin.resolve("call-" + call + ".stdin"), StandardCharsets.UTF_8);
	}

	private static List<String> requestLines() {
		List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
		// WireMock lists the newest first.
		Collections.reverse(events);
		return events.stream().map((event) -> event.getRequest().getMethod() + " " + event.getRequest().getUrl()).toList();
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
