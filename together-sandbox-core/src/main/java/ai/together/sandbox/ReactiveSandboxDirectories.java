package ai.together.sandbox;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.internal.agent.AgentConnection;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * Directory operations of a connected sandbox, in the reactive style:
 * {@code sandbox.directories()}. Nothing is sent until a returned publisher is subscribed to;
 * every call is retried according to the client's {@code RetryConfig}, under the operation
 * names {@code directories.list}, {@code directories.create} and {@code directories.delete}.
 * Paths are sent as {@link ReactiveSandboxFiles} describes.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ReactiveSandboxDirectories {

	private final AgentConnection agent;

	ReactiveSandboxDirectories(AgentConnection agent) {
		this.agent = Objects.requireNonNull(agent, "agent");
	}

	/**
	 * Lists the entries of a directory.
	 * @param path the directory path ({@code /} for the root)
	 * @return the entries
	 */
	public Flux<FileInfo> list(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("directories.list", ReactiveSandboxFiles.pathContext(path), HttpMethod.GET,
				directoryPath(path));
		return this.agent.transport()
			.call(call, DirectoryListing.class)
			.flatMapIterable((listing) -> (listing.files() != null) ? listing.files() : List.of());
	}

	/**
	 * Creates a directory.
	 * @param path the directory path
	 * @return completion
	 */
	public Mono<Void> create(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("directories.create", ReactiveSandboxFiles.pathContext(path), HttpMethod.POST,
					directoryPath(path)));
	}

	/**
	 * Deletes a directory with everything in it.
	 * @param path the directory path
	 * @return completion
	 */
	public Mono<Void> delete(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("directories.delete", ReactiveSandboxFiles.pathContext(path), HttpMethod.DELETE,
					directoryPath(path)));
	}

	private static String directoryPath(String path) {
		return "/api/v1/directories/" + PathEncoder.segment(path);
	}

	/** The API's {@code DirectoryListResponse}. */
	record DirectoryListing(@JsonProperty("path") @Nullable String path,
			@JsonProperty("files") @Nullable List<FileInfo> files) {
	}

}
