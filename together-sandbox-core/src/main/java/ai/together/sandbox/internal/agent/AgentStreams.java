package ai.together.sandbox.internal.agent;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ErrorMapper;
import ai.together.sandbox.internal.http.HttpTransport;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.sse.SseDecoder;
import ai.together.sandbox.internal.util.Repr;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * The server-sent-event streams of one connected sandbox: opens them (transport stream →
 * {@link SseDecoder} → JSON) and ends every stream still open when the sandbox is closed.
 * Each event is parsed straight from the decoder's buffer. Streams are never retried and have no
 * response timeout, only the transport's idle timeout; cancelling one closes its connection.
 */
public final class AgentStreams implements AutoCloseable {

	private final AgentConnection agent;

	private final Sinks.One<Boolean> closed = Sinks.one();

	private volatile boolean isClosed;

	/**
	 * Creates the streams of a sandbox.
	 * @param agent the sandbox's agent connection
	 */
	public AgentStreams(AgentConnection agent) {
		this.agent = Objects.requireNonNull(agent, "agent");
	}

	/**
	 * Opens a stream of JSON events, ended by {@link #close()}.
	 * @param <T> the event type
	 * @param operation the name reported in errors, for example {@code execs.streamList}
	 * @param context the context of error messages, or {@code null}
	 * @param path the encoded path, starting with {@code /api/v1}, query included
	 * @param type the type of each event's data
	 * @return the events; nothing is sent before subscription
	 */
	public <T> Flux<T> open(String operation, @Nullable String context, String path, JavaType type) {
		return scoped(unscoped(operation, context, path, type));
	}

	/**
	 * Opens a stream of JSON events that {@link #close()} does not end; wrap the outermost
	 * stream with {@link #scoped(Flux)}.
	 * @param <T> the event type
	 * @param operation the name reported in errors
	 * @param context the context of error messages, or {@code null}
	 * @param path the encoded path, starting with {@code /api/v1}, query included
	 * @param type the type of each event's data
	 * @return the events; nothing is sent before subscription
	 */
	public <T> Flux<T> unscoped(String operation, @Nullable String context, String path, JavaType type) {
		return Flux.defer(() -> {
			ApiCall call = this.agent.call(operation, context, HttpMethod.GET, path)
				.withHeader(HttpHeaders.ACCEPT, MediaType.TEXT_EVENT_STREAM_VALUE);
			HttpTransport transport = this.agent.transport();
			// One reader per stream: its deserializer is looked up once, not for every event.
			ObjectReader reader = Json.mapper().readerFor(type);
			return SseDecoder.decode(transport.stream(call, transport.streamIdleTimeout()),
					(event, id, data, offset, length) -> AgentStreams.<T>parse(operation, context, data, offset, length,
							reader))
				// A malformed event may quote anything, a credential too (as may its parser's exception).
				.onErrorMap((error) -> transport.redactor().redact(error));
		});
	}

	/**
	 * Ends a stream when this sandbox is closed (its connection is then closed); fails at
	 * subscription when the sandbox is already closed.
	 * @param <T> the element type
	 * @param stream the stream
	 * @return the stream bound to this sandbox
	 */
	public <T> Flux<T> scoped(Flux<T> stream) {
		return Flux.defer(() -> {
			if (this.isClosed) {
				return Flux.error(new IllegalStateException(
						"Sandbox " + Repr.quote(this.agent.sandboxId()) + " is closed; its streams cannot be opened"));
			}
			return stream.takeUntilOther(this.closed.asMono());
		});
	}

	/**
	 * Whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.isClosed;
	}

	/**
	 * Completes every open stream of this sandbox, closing their connections.
	 */
	@Override
	public void close() {
		this.isClosed = true;
		this.closed.tryEmitValue(Boolean.TRUE);
	}

	private static <T> T parse(String operation, @Nullable String context, byte[] data, int offset, int length,
			ObjectReader reader) {
		T value;
		try {
			// Parsed from the bytes as received, where the decoder holds them: no copy and no
			// string of the event is ever made.
			value = reader.readValue(data, offset, length);
		}
		catch (JacksonException ex) {
			// Invalid UTF-8 fails the byte parser; as text it is U+FFFD, as every SSE reader sees it.
			value = parseText(operation, context, new String(data, offset, length, StandardCharsets.UTF_8), reader);
		}
		if (value == null) {
			throw new TogetherSandboxException(operation + ErrorMapper.suffix(context)
					+ ": received a malformed event, the stream was closed: the event's data is JSON null");
		}
		return value;
	}

	private static <T> T parseText(String operation, @Nullable String context, String data, ObjectReader reader) {
		try {
			return reader.readValue(data);
		}
		catch (JacksonException ex) {
			throw new TogetherSandboxException(operation + ErrorMapper.suffix(context)
					+ ": received a malformed event, the stream was closed: " + Json.describe(ex), ex);
		}
	}

}
