package ai.together.sandbox.emulator.internal.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * One message of an exec's output, as the agent API sends it.
 *
 * @param type {@code stdout} or {@code stderr}
 * @param output the text
 * @param sequence the number of the message, from 1
 * @param timestamp when it was read
 * @param exitCode the exit code, only on the last message
 */
@JsonPropertyOrder({ "type", "output", "sequence", "timestamp", "exitCode" })
public record OutputMessage(String type, String output, int sequence, String timestamp,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer exitCode) {
}
