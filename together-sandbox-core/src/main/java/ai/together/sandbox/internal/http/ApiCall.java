package ai.together.sandbox.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.together.sandbox.internal.json.Json;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * One HTTP call as the transport executes it. The URI is final (already encoded).
 *
 * @param operation the operation name reported to retry callbacks, observations and errors
 * @param context the context string of error messages ({@code for sandbox 'abc'}), or
 * {@code null}
 * @param method the HTTP method
 * @param uri the absolute, encoded URI
 * @param bearerToken the credential sent as {@code Authorization: Bearer}
 * @param body the request body, or {@code null} for none
 * @param contentType the body's content type, or {@code null}
 * @param timeout the response timeout of this call, or {@code null} for the client's default
 * @param headers further request headers (for example {@code Accept})
 * @param sandboxId the sandbox the call is about, for observations, or {@code null}
 * @param timeoutSetting the setting that {@code timeout} comes from, named in the timeout
 * error ({@code lifecycleTimeout}), or {@code null} for a fixed timeout of the call
 */
public record ApiCall(String operation, @Nullable String context, HttpMethod method, URI uri, String bearerToken,
		byte @Nullable [] body, @Nullable String contentType, @Nullable Duration timeout, Map<String, String> headers,
		@Nullable String sandboxId, @Nullable String timeoutSetting) {

	/**
	 * Copies the headers so the call stays immutable.
	 */
	public ApiCall {
		headers = Map.copyOf(headers);
	}

	/**
	 * A call without a body.
	 * @param operation the operation name
	 * @param context the context string, or {@code null}
	 * @param method the method
	 * @param uri the URI
	 * @param bearerToken the credential
	 * @return the call
	 */
	public static ApiCall of(String operation, @Nullable String context, HttpMethod method, URI uri,
			String bearerToken) {
		return new ApiCall(operation, context, method, uri, bearerToken, null, null, null, Map.of(), null, null);
	}

	/**
	 * Returns a copy with a JSON body.
	 * @param value the value to serialise
	 * @return the copy
	 */
	public ApiCall withJson(Object value) {
		return withBody(Json.write(value), "application/json");
	}

	/**
	 * Returns a copy with a raw body.
	 * @param bytes the body
	 * @param type its content type
	 * @return the copy
	 */
	public ApiCall withBody(byte[] bytes, String type) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, bytes, type,
				this.timeout, this.headers, this.sandboxId, this.timeoutSetting);
	}

	/**
	 * Returns a copy with its own response timeout.
	 * @param timeout the timeout
	 * @return the copy
	 */
	public ApiCall withTimeout(Duration timeout) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, this.body,
				this.contentType, timeout, this.headers, this.sandboxId, null);
	}

	/**
	 * Returns a copy with its own response timeout, taken from a client setting that the
	 * timeout error names.
	 * @param timeout the timeout
	 * @param setting the builder setting it comes from, for example {@code lifecycleTimeout}
	 * @return the copy
	 */
	public ApiCall withTimeout(Duration timeout, String setting) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, this.body,
				this.contentType, timeout, this.headers, this.sandboxId, setting);
	}

	/**
	 * Returns a copy with one more request header.
	 * @param name the header name
	 * @param value the header value
	 * @return the copy
	 */
	public ApiCall withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, this.body,
				this.contentType, this.timeout, more, this.sandboxId, this.timeoutSetting);
	}

	/**
	 * Returns a copy that names the sandbox it is about (for observations).
	 * @param sandboxId the sandbox id
	 * @return the copy
	 */
	public ApiCall withSandboxId(String sandboxId) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, this.body,
				this.contentType, this.timeout, this.headers, sandboxId, this.timeoutSetting);
	}

	@Override
	public String toString() {
		// Never print the credential or the body.
		return "ApiCall[" + this.operation + " " + this.method + " " + this.uri + "]";
	}

}
