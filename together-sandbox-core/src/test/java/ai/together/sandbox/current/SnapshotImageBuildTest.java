package ai.together.sandbox.current;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.TestClients;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.internal.snapshots.ImageBuild;
import ai.together.sandbox.snapshots.ContextSnapshotParams;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import ai.together.sandbox.snapshots.SnapshotBuildMode;
import ai.together.sandbox.snapshots.SnapshotProgress;
import ai.together.sandbox.snapshots.SnapshotStep;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static ai.together.sandbox.current.CurrentWire.SNAPSHOT_ID;
import static ai.together.sandbox.current.CurrentWire.json;
import static ai.together.sandbox.current.CurrentWire.snapshot;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code current().snapshots().create(..)}: the image builder on the same origin builds
 * {@code FROM <image>}, then the pushed reference is registered under {@code /v1} and aliased.
 */
class SnapshotImageBuildTest {

	@RegisterExtension
	static WireMockExtension server = TestClients.wireMock();

	static final String IMAGE_REF = "registry.example.com/ns/node:1700000000";

	TogetherSandbox sdk;

	@BeforeEach
	void client() {
		this.sdk = TestClients.builder(server.baseUrl(), new RecordingSleeper()).build();
		server.stubFor(post("/builds").willReturn(json(201, "{\"build_id\":\"b-1\"}")));
		server.stubFor(get("/builds/b-1").willReturn(json(200, "{\"status\":\"succeeded\",\"image_ref\":\"" + IMAGE_REF + "\"}")));
		server.stubFor(post("/v1/snapshots").willReturn(json(201, snapshot(SNAPSHOT_ID))));
		server.stubFor(post("/v1/snapshots/" + SNAPSHOT_ID + "/aliases").willReturn(aResponse().withStatus(204)));
	}

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void buildsFromTheImageThenRegistersAndAliases() {
		server.stubFor(get("/builds/b-1/logs").willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody("data: Step 1/1 : FROM node:22\n\ndata: {\"done\":true}\n\n")));
		List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

		SnapshotDetails details = this.sdk.current()
			.snapshots()
			.create(SnapshotSpec.builder("node:22").tag("app", "web").build(), "my-node@latest", progress::add);

		assertThat(details.id()).isEqualTo(SNAPSHOT_ID);
		assertThat(progress).extracting(SnapshotProgress::step)
			.containsExactly(SnapshotStep.PREPARE, SnapshotStep.BUILD, SnapshotStep.REGISTER, SnapshotStep.ALIAS);
		assertThat(progress.get(1).output()).isEqualTo("[image-builder] Step 1/1 : FROM node:22");
		LoggedRequest upload = server.findAll(postRequestedFor(urlEqualTo("/builds"))).get(0);
		String multipart = new String(upload.getBody(), java.nio.charset.StandardCharsets.ISO_8859_1);
		assertThat(multipart).contains("name=\"image_name\"\r\n\r\nnode:").contains("name=\"dockerfile\"\r\n\r\nDockerfile");
		server.verify(postRequestedFor(urlEqualTo("/v1/snapshots")).withRequestBody(equalToJson(
				"{\"image\":\"" + IMAGE_REF + "\",\"architecture\":\"amd64\",\"tags\":{\"app\":\"web\"}}")));
		server.verify(postRequestedFor(urlEqualTo("/v1/snapshots/" + SNAPSHOT_ID + "/aliases"))
			.withRequestBody(equalToJson("{\"alias\":\"my-node@latest\"}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /builds", "GET /builds/b-1/logs",
				"GET /builds/b-1", "POST /v1/snapshots", "POST /v1/snapshots/" + SNAPSHOT_ID + "/aliases");
	}

	@Test
	void buildsAContextRemotelyThenRegistersUnderV1(@TempDir Path context) throws Exception {
		Files.writeString(context.resolve("Dockerfile"), "FROM alpine\n");
		server.stubFor(get("/builds/b-1/logs").willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody("data: {\"done\":true}\n\n")));
		List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

		SnapshotDetails details = this.sdk.current()
			.snapshots()
			.create(ContextSnapshotParams.builder(context)
				.buildMode(SnapshotBuildMode.REMOTE)
				.alias("ctx@v1")
				.onProgress(progress::add)
				.build());

		assertThat(details.id()).isEqualTo(SNAPSHOT_ID);
		assertThat(progress).extracting(SnapshotProgress::step).containsExactly(SnapshotStep.REGISTER, SnapshotStep.ALIAS);
		server.verify(postRequestedFor(urlEqualTo("/v1/snapshots"))
			.withRequestBody(equalToJson("{\"image\":\"" + IMAGE_REF + "\",\"architecture\":\"amd64\"}")));
		assertThat(CurrentWire.requestLines(server)).containsExactly("POST /builds", "GET /builds/b-1/logs",
				"GET /builds/b-1", "POST /v1/snapshots", "POST /v1/snapshots/" + SNAPSHOT_ID + "/aliases");
	}

	@Test
	void theBuilderUrlFollowsTheCurrentRule() {
		assertThat(ImageBuild.builderUrl("https://api.bartender.codesandbox.io")).isEqualTo("https://builder.codesandbox.io");
		assertThat(ImageBuild.builderUrl("https://api.example.com")).isEqualTo("https://api.example.com");
		assertThat(ImageBuild.builderUrl("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
	}

	@Test
	void aFailedBuildRegistersNothing() {
		server.stubFor(get("/builds/b-1/logs").willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
			.withBody("data: pull access denied\n\ndata: {\"error\":\"image not found\"}\n\n")));

		assertThatThrownBy(() -> this.sdk.current().snapshots().create(SnapshotSpec.of("nope:1"), null, null))
			.isInstanceOf(SnapshotBuildException.class)
			.hasMessageContaining("image not found");
		assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/snapshots")))).isEmpty();
	}

}
