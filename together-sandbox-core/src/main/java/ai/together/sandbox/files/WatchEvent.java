package ai.together.sandbox.files;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One event of {@code files().watch(..)} (the API's {@code WatcherEvent}).
 *
 * @param paths the paths affected
 * @param type what happened
 * @param timestamp when it happened, or {@code null} when the agent did not say
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record WatchEvent(@JsonProperty("paths") List<String> paths, @JsonProperty("type") WatchEventType type,
		@JsonProperty("timestamp") @Nullable Instant timestamp) {

	/**
	 * Tolerates fields the agent left out.
	 */
	public WatchEvent {
		paths = (paths != null) ? List.copyOf(paths) : List.of();
		type = (type != null) ? type : WatchEventType.of("");
	}

}
