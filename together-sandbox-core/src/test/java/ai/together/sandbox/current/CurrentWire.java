package ai.together.sandbox.current;

import java.util.List;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/** Bodies of the current management API (its spec's shapes, every required key present). */
final class CurrentWire {

	static final String SANDBOX_ID = "0b7f3c52-8d1e-4f7a-9c3b-2a6e5d4f1c90";

	static final String OTHER_ID = "5e2d9a10-3c4b-4e6f-8a7b-9c0d1e2f3a4b";

	static final String SNAPSHOT_ID = "3f0c9a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6";

	static final String AGENT_TOKEN = "agent-token-current-123";

	private CurrentWire() {
	}

	/** A sandbox with the given status and reason; agent url/token only when running. */
	static String sandbox(String id, String status, String reason, String agentUrl) {
		boolean running = status.equals("running");
		return "{\"id\":\"" + id + "\",\"organization_id\":null,\"project_id\":\"proj_1\",\"snapshot_id\":\""
				+ SNAPSHOT_ID + "\",\"cpu\":1,\"memory_bytes\":2147483648,\"agent\":{\"version\":\"1.9.0\",\"token\":"
				+ (running ? "\"" + AGENT_TOKEN + "\"" : "null") + ",\"url\":"
				+ (running ? "\"" + agentUrl + "\"" : "null") + "},\"ttl\":3600,\"tags\":{\"env\":\"dev\"},"
				+ "\"termination_policy\":{\"snapshot\":{\"aliases\":[\"a@v1\"]}},\"status\":\"" + status
				+ "\",\"status_reason\":\"" + reason + "\",\"created_at\":\"2026-08-18T10:00:00Z\","
				+ "\"updated_at\":\"2026-08-18T10:01:00+00:00\",\"started_at\":null,\"resized_at\":null,"
				+ "\"recovery_at\":null,\"terminated_at\":null}";
	}

	static String snapshot(String id) {
		return "{\"id\":\"" + id + "\",\"organization_id\":\"org_1\",\"project_id\":\"proj_1\",\"byte_size\":1048576,"
				+ "\"tags\":{\"app\":\"web\"},\"ttl\":null,\"memory\":false,\"created_at\":\"2026-08-18T10:00:00Z\","
				+ "\"retired_at\":null,\"updated_at\":\"2026-08-18T10:05:00Z\"}";
	}

	static String page(String nextCursor, String... items) {
		return "{\"data\":[" + String.join(",", items) + "],\"next_cursor\":"
				+ ((nextCursor != null) ? "\"" + nextCursor + "\"" : "null") + "}";
	}

	static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	/** "METHOD url" of every request, in arrival order. */
	static List<String> requestLines(WireMockExtension server) {
		List<ServeEvent> events = new java.util.ArrayList<>(server.getAllServeEvents());
		java.util.Collections.reverse(events);
		return events.stream()
			.map((event) -> event.getRequest().getMethod() + " " + event.getRequest().getUrl())
			.collect(Collectors.toList());
	}

}
