package ai.together.sandbox.internal.agent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.together.sandbox.files.FileContent;
import ai.together.sandbox.files.FileInfo;
import ai.together.sandbox.files.ReactiveSandboxFiles;
import ai.together.sandbox.files.WatchEvent;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JavaType;

import org.springframework.http.HttpMethod;

/**
 * The client's {@link ReactiveSandboxFiles}: checks the arguments, then builds each call and
 * hands it to the transport.
 */
public final class DefaultReactiveSandboxFiles implements ReactiveSandboxFiles {

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final JavaType WATCH_EVENT = Json.mapper().constructType(WatchEvent.class);

	private final AgentConnection agent;

	private final AgentStreams streams;

	/**
	 * Creates the namespace; applications get it from the sandbox.
	 * @param agent the sandbox's agent connection
	 * @param streams the sandbox's streams
	 */
	public DefaultReactiveSandboxFiles(AgentConnection agent, AgentStreams streams) {
		this.agent = Objects.requireNonNull(agent, "agent");
		this.streams = Objects.requireNonNull(streams, "streams");
	}

	@Override
	public Mono<String> read(String path) {
		return readContent(path).map(FileContent::content);
	}

	@Override
	public Mono<byte[]> readBytes(String path) {
		return readContent(path).map(FileContent::bytes);
	}

	@Override
	public Mono<FileContent> readContent(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("files.read", pathContext(path), HttpMethod.GET, filePath(path));
		return this.agent.transport().call(call, FileContent.class);
	}

	@Override
	public Mono<FileContent> create(String path, String content) {
		Args.notNull(content, "content");
		return create(path, content.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public Mono<FileContent> create(String path, byte[] content) {
		Args.path(path, "path");
		Args.notNull(content, "content");
		ApiCall call = this.agent.call("files.create", pathContext(path), HttpMethod.POST, filePath(path))
			.withBody(content, OCTET_STREAM);
		return this.agent.transport().call(call, FileContent.class);
	}

	@Override
	public Mono<Void> delete(String path) {
		Args.path(path, "path");
		return this.agent.transport()
			.call(this.agent.call("files.delete", pathContext(path), HttpMethod.DELETE, filePath(path)));
	}

	@Override
	public Mono<Void> move(String from, String to) {
		return action("files.move", "move", from, to);
	}

	@Override
	public Mono<Void> copy(String from, String to) {
		return action("files.copy", "copy", from, to);
	}

	@Override
	public Mono<FileInfo> stat(String path) {
		Args.path(path, "path");
		ApiCall call = this.agent.call("files.stat", pathContext(path), HttpMethod.GET,
				"/api/v1/file_stat/" + PathEncoder.segment(path));
		return this.agent.transport().call(call, FileInfo.class);
	}

	@Override
	public Flux<WatchEvent> watch(String path) {
		return watch(path, null, null);
	}

	@Override
	public Flux<WatchEvent> watch(String path, @Nullable Boolean recursive, @Nullable List<String> ignorePatterns) {
		Args.path(path, "path");
		StringBuilder uri = new StringBuilder("/api/v1/stream/directories/watcher/").append(PathEncoder.path(path));
		char separator = '?';
		if (recursive != null) {
			uri.append(separator).append("recursive=").append(recursive);
			separator = '&';
		}
		if (ignorePatterns != null) {
			for (int i = 0; i < ignorePatterns.size(); i++) {
				String pattern = Args.notNull(ignorePatterns.get(i), "ignorePatterns[" + i + "]");
				uri.append(separator).append("ignorePatterns=").append(PathEncoder.query(pattern));
				separator = '&';
			}
		}
		return this.streams.open("files.watch", pathContext(path), uri.toString(), WATCH_EVENT);
	}

	private Mono<Void> action(String operation, String action, String from, String to) {
		Args.path(from, "from");
		Args.path(to, "to");
		String context = "from " + Repr.quote(from) + " to " + Repr.quote(to);
		ApiCall call = this.agent.call(operation, context, HttpMethod.PATCH, filePath(from))
			.withJson(Map.of("action", action, "destination", to));
		return this.agent.transport().call(call);
	}

	private static String filePath(String path) {
		return "/api/v1/files/" + PathEncoder.segment(path);
	}

	static String pathContext(String path) {
		return Repr.context("path", path);
	}

}
