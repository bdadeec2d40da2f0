package ai.together.sandbox.testing;

import org.jspecify.annotations.Nullable;

/**
 * Management API response bodies for tests.
 */
public final class SandboxJson {

	private SandboxJson() {
	}

	/**
	 * A complete Sandbox JSON object (all 29 required keys), as the management API returns it.
	 * @param id the id
	 * @param status the status
	 * @param agentUrl the agent URL, or null
	 * @param agentToken the agent token, or null
	 * @return the JSON
	 */
	public static String sandbox(String id, String status, @Nullable String agentUrl, @Nullable String agentToken) {
		return """
				{"id":"%s","project_id":"proj-1","status":"%s","ephemeral":false,"cluster_name":"eu-1",
				 "current_version_number":1,"next_version_number":2,"millicpu":1000,"gpu":0,
				 "memory_bytes":2147483648,"disk_bytes":10737418240,"version_count":1,"agent_version":"1.0.0",
				 "agent_type":"pint","agent_token":%s,"agent_url":%s,"created_at":"2026-05-12T10:00:00Z",
				 "start_requested_at":null,"start_type":"cold_start","started_at":"2026-05-12T10:00:01Z",
				 "stop_requested_at":null,"requested_stop_type":null,"stopped_at":null,"stop_reason":null,
				 "specs_updated_at":null,"recovery_status":null,"recovery_started_at":null,
				 "recovery_finished_at":null,"updated_at":"2026-05-12T10:00:02Z"}
				""".formatted(id, status, quoted(agentToken), quoted(agentUrl));
	}

	private static String quoted(@Nullable String value) {
		return (value != null) ? "\"" + value + "\"" : "null";
	}

}
