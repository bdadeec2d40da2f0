package ai.together.sandbox.emulator.hardening;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.emulator.EmulatorOptions;
import ai.together.sandbox.emulator.SandboxEmulator;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs that once answered 500 (issue 15): each must answer a 4xx agent error without a host
 * path in its body.
 */
class BadInputTest {

	@TempDir
	Path root;

	private SandboxEmulator emulator;

	private TogetherSandbox sdk;

	private Sandbox sandbox;

	private String agentPath;

	@BeforeEach
	void start() {
		this.emulator = SandboxEmulator.start(EmulatorOptions.builder().dataDirectory(this.root.resolve("data")).build());
		this.sdk = TogetherSandbox.builder().baseUrl(this.emulator.baseUrl()).apiKey(this.emulator.apiKey()).build();
		String snapshot = this.sdk.snapshots().create(ImageSnapshotParams.of("alpine:3")).snapshotId();
		this.sandbox = this.sdk.sandboxes()
			.start(this.sdk.sandboxes().create(CreateSandboxRequest.builder().id("badin1").snapshotId(snapshot).build()).id());
		this.sandbox.files().create("/a.txt", "a");
		this.agentPath = this.sandbox.vmInfo().agentUrl().replaceFirst("^http://[^/]+", "");
	}

	@AfterEach
	void stop() {
		if (this.sandbox != null) {
			this.sandbox.close();
		}
		if (this.sdk != null) {
			this.sdk.close();
		}
		if (this.emulator != null) {
			this.emulator.close();
		}
	}

	private RawHttp.Response send(String method, String path, @Nullable String body) throws IOException {
		return RawHttp.send(this.emulator.port(), method, this.agentPath + path,
				RawHttp.bearer(this.sandbox.vmInfo().agentToken()),
				body != null ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	private void assertClientError(String what, RawHttp.Response response) {
		String text = response.text();
		assertThat(response.status()).as(what + ": " + text).isBetween(400, 499);
		assertThat(response.contentType()).as(what).startsWith("application/json");
		assertThat(text).as(what).contains("\"code\":" + response.status()).contains("\"message\"");
		assertThat(text).as(what + " leaks a host path").doesNotContain(this.root.toString())
			.doesNotContain(this.emulator.dataDirectory().toString());
	}

	@Test
	void execEnvironmentThatTheOsCannotTakeIsRefused() throws IOException {
		for (String env : List.of("{\"A\":\"x\\u0000y\"}", "{\"A=B\":\"c\"}", "{\"\":\"c\"}", "{\"A\\u0000\":\"c\"}")) {
			assertClientError("env " + env,
					send("POST", "/api/v1/execs", "{\"command\":\"echo\",\"args\":[\"x\"],\"env\":" + env + "}"));
		}
		assertClientError("NUL in args", send("POST", "/api/v1/execs", "{\"command\":\"echo\",\"args\":[\"a\\u0000\"]}"));
		assertClientError("NUL in command", send("POST", "/api/v1/execs", "{\"command\":\"ec\\u0000ho\"}"));
	}

	@Test
	void invalidIgnoreGlobsAreRefused() throws IOException {
		for (String glob : List.of("%5B", "%7Ba")) {
			assertClientError("glob " + glob,
					send("GET", "/api/v1/stream/directories/watcher/%2F?ignorePatterns=" + glob, null));
		}
	}

	@Test
	void fileNamesTooLongForTheOsAreRefused() throws IOException {
		String name = "%2F" + "n".repeat(300);
		String nested = "%2Fdir%2F" + "n".repeat(300) + "%2Ff.txt";
		for (String path : List.of(name, nested)) {
			assertClientError("create " + path, send("POST", "/api/v1/files/" + path, "content"));
			assertClientError("read " + path, send("GET", "/api/v1/files/" + path, null));
			assertClientError("stat " + path, send("GET", "/api/v1/file_stat/" + path, null));
			assertClientError("mkdir " + path, send("POST", "/api/v1/directories/" + path, null));
			assertClientError("list " + path, send("GET", "/api/v1/directories/" + path, null));
			assertClientError("delete " + path, send("DELETE", "/api/v1/files/" + path, null));
			assertClientError("move " + path, send("PATCH", "/api/v1/files/%2Fa.txt",
					"{\"action\":\"move\",\"destination\":\"" + path.replace("%2F", "/") + "\"}"));
		}
	}

	@Test
	void uploadsRacingTheDeletionOfTheirDirectoryNeverFail() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			for (int round = 0; round < 5; round++) {
				List<Future<RawHttp.Response>> uploads = new ArrayList<>();
				for (int i = 0; i < 40; i++) {
					String path = "/api/v1/files/%2Frace%2Fsub" + (i % 4) + "%2Ff" + i + ".txt";
					uploads.add(pool.submit(() -> send("POST", path, "x".repeat(10_000))));
					if (i % 8 == 0) {
						uploads.add(pool.submit(() -> send("DELETE", "/api/v1/directories/%2Frace", null)));
					}
				}
				for (Future<RawHttp.Response> upload : uploads) {
					RawHttp.Response response = upload.get();
					if (response.status() >= 300) {
						assertClientError("racing upload or delete", response);
					}
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
