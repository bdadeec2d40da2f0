package ai.together.sandbox.internal.agent;

import java.util.List;
import java.util.Objects;

import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.ReactiveSandboxDirectories;
import ai.together.sandbox.files.ReactiveSandboxFiles;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSandboxDirectories}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSandboxDirectories implements ReactiveSandboxDirectories {

	private final AgentConnection agent;

	/**
	 * Creates the namespace; applications get it from the sandbox.
	 * @param agent the sandbox's agent connection
	 */
	public DefaultReactiveSandboxDirectories(AgentConnection agent) {
		this.agent = Objects.requireNonNull(agent, "agent");
	}

	@Override
	public Flux<FileInfo> list(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("directories.list", DefaultReactiveSandboxFiles.pathContext(path), HttpMethod.GET,
				directoryPath(path));
		return this.agent.transport()
			.call(call, DirectoryListing.class)
			.flatMapIterable((listing) -> (listing.files() != null) ? listing.files() : List.of());
	}

	@Override
	public Mono<Void> create(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("directories.create", DefaultReactiveSandboxFiles.pathContext(path), HttpMethod.POST,
					directoryPath(path)));
	}

	@Override
	public Mono<Void> delete(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("directories.delete", DefaultReactiveSandboxFiles.pathContext(path), HttpMethod.DELETE,
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
