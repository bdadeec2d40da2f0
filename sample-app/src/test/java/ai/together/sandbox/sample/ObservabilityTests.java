package ai.together.sandbox.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.together.sandbox.Sandbox;
import ai.together.sandbox.TogetherSandbox;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.sandboxes.SandboxInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Actuator endpoints the sample exposes, and the Grafana dashboard: every meter a panel
 * queries is in a real {@code /actuator/prometheus} scrape.
 */
@SampleAppTest
class ObservabilityTests {

	private static final Path DASHBOARD = Path.of("grafana-dashboard.json");

	/** PromQL words that are not metric names when not followed by "(". */
	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");

	@LocalServerPort
	private int port;

	@Autowired
	private TogetherSandbox sdk;

	@Autowired
	private ObjectProvider<CreateSandboxRequest.Builder> requestBuilder;

	@Autowired
	private SnapshotRegistration snapshots;

	private WebTestClient client;

	@BeforeEach
	void connect() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@Test
	void healthIncludesTheTogetherSandboxComponent() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.togetherSandbox.status")
			.isEqualTo("UP")
			.jsonPath("$.components.togetherSandbox.details.baseUrl")
			.value(String.class, (baseUrl) -> assertThat(baseUrl).startsWith("http://127.0.0.1:"));
	}

	@Test
	void metricsEndpointListsTheClientMeters() {
		runACommand();
		this.client.get()
			.uri("/actuator/metrics/together.sandbox.client.requests")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.availableTags[?(@.tag == 'operation')].values[*]")
			.value(new ParameterizedTypeReference<List<String>>() {
			}, (operations) -> assertThat(operations).contains("sandboxes.create", "sandboxes.start", "files.create",
					"execs.create", "sandboxes.shutdown"));
	}

	@Test
	void everyMeterTheDashboardQueriesIsScraped() throws IOException {
		runACommand();
		causeARetry();

		String scrape = this.client.get()
			.uri("/actuator/prometheus")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(scrape).isNotNull();

		Set<String> queried = dashboardMetricNames();
		// Guards the parser: the dashboard covers requests, retries and health.
		assertThat(queried).contains("together_sandbox_client_requests_seconds_count",
				"together_sandbox_client_requests_seconds_bucket", "together_sandbox_client_retries_total", "health");
		Set<String> scraped = scrapedMetricNames(scrape);
		assertThat(scraped).containsAll(queried);

		// The series the panels select by label exist too.
		assertThat(scrape).containsPattern(
				"(?m)^health\\{application=\"together-sandbox-sample\",component=\"togetherSandbox\"} 3\\.0$");
		assertThat(scrape).containsPattern(
				"(?m)^together_sandbox_client_retries_total\\{[^}]*operation=\"files\\.read\"[^}]*status=\"503\"[^}]*} [1-9]");
		assertThat(scrape).containsPattern(
				"(?m)^together_sandbox_client_requests_seconds_bucket\\{[^}]*operation=\"sandboxes\\.start\"[^}]*outcome=\"success\"");
	}

	@Test
	void dashboardIsValidGrafanaJson() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.get("title").asString()).isEqualTo("Together Sandbox client");
		assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy((panel) -> {
			assertThat(panel.get("type").asString()).isIn("stat", "timeseries");
			assertThat(panel.get("targets")).isNotEmpty();
			assertThat(panel.get("gridPos").get("w").asInt()).isPositive();
		});
	}

	/** Some calls for the request timer: one run through the HTTP API. */
	private void runACommand() {
		this.client.post()
			.uri("/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("command", "echo", "args", List.of("metrics"), "files", Map.of("a.txt", "a")))
			.exchange()
			.expectStatus()
			.isOk();
	}

	/**
	 * A retry for the retry counter: the agent of a stopped sandbox answers 503, which the
	 * client retries before giving up.
	 */
	private void causeARetry() {
		this.snapshots.ensureAvailable().block(Duration.ofSeconds(10));
		SandboxInfo info = this.sdk.sandboxes().create(this.requestBuilder.getObject().build());
		try (Sandbox sandbox = this.sdk.sandboxes().start(info.id())) {
			sandbox.shutdown();
			assertThatExceptionOfType(HttpException.class).isThrownBy(() -> sandbox.files().read("/a.txt"))
				.satisfies((error) -> assertThat(error.status()).isEqualTo(503));
		}
	}

	private static Set<String> dashboardMetricNames() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> names = new LinkedHashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				names.addAll(metricNames(target.get("expr").asString()));
			}
		}
		return names;
	}

	/** The metric names a PromQL expression selects. */
	static Set<String> metricNames(String expr) {
		String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
			.replaceAll("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\b", " ");
		Set<String> names = new LinkedHashSet<>();
		Matcher identifier = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(bare);
		while (identifier.find()) {
			String name = identifier.group().replaceAll("[\\s(]", "");
			boolean isCall = identifier.group(1) != null;
			if (!isCall && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

	private static Set<String> scrapedMetricNames(String scrape) {
		Set<String> names = new LinkedHashSet<>();
		Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
		while (sample.find()) {
			names.add(sample.group(1));
		}
		return names;
	}

}
