package ai.together.sandbox.sample.runs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /runs}: a command, its arguments, and files to write into the working
 * directory before it runs.
 * <pre>{@code
 * {"command": "sh", "args": ["-c", "python3 main.py"], "files": {"main.py": "print('hi')"}}
 * }</pre>
 *
 * @param command the command to run (looked up on the sandbox's {@code PATH}), required
 * @param args its arguments
 * @param files file contents by path; relative paths are inside the working directory
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record RunRequest(@JsonProperty("command") @Nullable String command,
		@JsonProperty("args") @Nullable List<String> args, @JsonProperty("files") @Nullable Map<String, String> files) {

	/**
	 * Replaces missing lists and maps with empty ones.
	 */
	public RunRequest {
		args = (args != null) ? Collections.unmodifiableList(new ArrayList<>(args)) : List.of();
		files = (files != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(files)) : Map.of();
	}

}
