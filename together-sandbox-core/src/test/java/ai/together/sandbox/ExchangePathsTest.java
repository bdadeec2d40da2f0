package ai.together.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.testing.FakeSandboxExtension;
import ai.together.sandbox.testing.FakeSandboxServer.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static ai.together.sandbox.testing.AgentResponses.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A client with its own connection pool sends non-streaming calls straight through Reactor Netty,
 * one given a {@code WebClient.Builder} through that {@code WebClient}: the same calls go out
 * byte for byte alike (method, target, headers, body) and come back alike (values, errors).
 */
class ExchangePathsTest {

	private static final String FILE = "/api/v1/files/%2Fdata%20dir%2Fa.txt";

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	@RegisterExtension
	final FakeSandboxExtension fake = TestClients.fakeSandbox();

	@Test
	void theDirectPathAndTheWebClientPathSendAndReadTheSameExchanges() {
		this.fake.start(this::answer);
		Outcome direct = run(UnaryOperator.identity());
		// A WebClient over a plain Reactor Netty client (Spring's default connector would also ask
		// for gzip): only the WebClient in between differs.
		Outcome viaWebClient = run((builder) -> builder.webClientBuilder(
				WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create()))));

		assertThat(direct.requests()).hasSize(5);
		assertThat(direct.requests()).isEqualTo(viaWebClient.requests());
		assertThat(direct.results()).isEqualTo(viaWebClient.results());
		// What both sent, spelled out once (the comparison above would pass on two equal mistakes).
		Seen create = direct.requests().get(0);
		assertThat(create.method()).isEqualTo("POST");
		assertThat(create.uri()).isEqualTo(FILE);
		assertThat(create.headers()).containsEntry("authorization", "Bearer " + this.fake.connection().agentToken())
			.containsEntry("content-type", "application/octet-stream")
			.containsEntry("content-length", "5");
		assertThat(create.body()).isEqualTo("hello");
		Seen stat = direct.requests().get(1);
		assertThat(stat.method()).isEqualTo("GET");
		assertThat(stat.headers()).doesNotContainKeys("content-type", "transfer-encoding");
		assertThat(direct.results()).containsExactly("created /data dir/a.txt hello", "size 5",
				"Failed to files.read for path '/missing': no such file (code: 404)",
				"files.stat returned no response for path '/teapot' (HTTP 418)", "removed");
	}

	private Outcome run(UnaryOperator<TogetherSandbox.Builder> options) {
		this.seen.clear();
		Sandbox sandbox = this.fake.connect(options).sandbox();
		this.seen.clear();
		List<String> results = new ArrayList<>();
		FileContent created = sandbox.files().create("/data dir/a.txt", "hello".getBytes(StandardCharsets.UTF_8));
		results.add("created " + created.path() + " " + created.content());
		FileInfo info = sandbox.files().stat("/data dir/a.txt");
		results.add("size " + info.size());
		results.add(catchThrowableOfType(HttpException.class, () -> sandbox.files().read("/missing")).getMessage());
		results.add(catchThrowableOfType(HttpException.class, () -> sandbox.files().stat("/teapot")).getMessage());
		sandbox.files().delete("/data dir/a.txt");
		results.add("removed");
		return new Outcome(List.copyOf(this.seen), results);
	}

	private Publisher<Void> answer(Request request, HttpServerResponse response) {
		Map<String, String> headers = new TreeMap<>();
		request.raw().requestHeaders().forEach((header) -> headers.merge(header.getKey().toLowerCase(Locale.ROOT),
				header.getValue(), (first, second) -> first + ", " + second));
		this.seen.add(new Seen(request.method(), request.uri(), headers, new String(request.body(), StandardCharsets.UTF_8)));
		Function<String, Publisher<Void>> ok = (body) -> json(response, request.method().equals("POST") ? 201 : 200, body);
		if (request.uri().equals(FILE)) {
			return switch (request.method()) {
				case "POST" -> ok.apply("{\"path\":\"/data dir/a.txt\",\"content\":\"hello\",\"encoding\":\"utf-8\"}");
				case "DELETE" -> ok.apply("{\"message\":\"deleted\",\"path\":\"/data dir/a.txt\"}");
				default -> json(response, 405, "{\"code\":405,\"message\":\"no\"}");
			};
		}
		if (request.uri().equals("/api/v1/file_stat/%2Fdata%20dir%2Fa.txt")) {
			return ok.apply("{\"name\":\"a.txt\",\"path\":\"/data dir/a.txt\",\"isDir\":false,\"size\":5,"
					+ "\"modTime\":\"2026-05-12T10:00:00Z\"}");
		}
		if (request.uri().equals("/api/v1/file_stat/%2Fteapot")) {
			return json(response, 418, "[1, 2]");
		}
		return json(response, 404, "{\"code\":404,\"message\":\"no such file\"}");
	}

	/** One request as the agent received it; headers by lower-case name. */
	private record Seen(String method, String uri, Map<String, String> headers, String body) {
	}

	private record Outcome(List<Seen> requests, List<String> results) {
	}

}
