package ai.together.sandbox.internal;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * One HTTP call as the transport executes it. The URI is final (already encoded).
 *
 * @param operation the operation name reported to retry callbacks and in errors
 * @param context the context string of error messages ({@code for sandbox 'abc'}), or
 * {@code null}
 * @param method the HTTP method
 * @param uri the absolute, encoded URI
 * @param bearerToken the credential sent as {@code Authorization: Bearer}
 * @param body the request body, or {@code null} for none
 * @param contentType the body's content type, or {@code null}
 * @param timeout the response timeout of this call, or {@code null} for the client's default
 */
public record ApiCall(String operation, @Nullable String context, HttpMethod method, URI uri, String bearerToken,
		byte @Nullable [] body, @Nullable String contentType, @Nullable Duration timeout) {

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
		return new ApiCall(operation, context, method, uri, bearerToken, null, null, null);
	}

	/**
	 * Returns a copy with a JSON body.
	 * @param value the value to serialise
	 * @return the copy
	 */
	public ApiCall withJson(Object value) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, Json.write(value),
				"application/json", this.timeout);
	}

	/**
	 * Returns a copy with a raw body.
	 * @param bytes the body
	 * @param type its content type
	 * @return the copy
	 */
	public ApiCall withBody(byte[] bytes, String type) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, bytes, type,
				this.timeout);
	}

	/**
	 * Returns a copy with its own response timeout.
	 * @param timeout the timeout
	 * @return the copy
	 */
	public ApiCall withTimeout(Duration timeout) {
		return new ApiCall(this.operation, this.context, this.method, this.uri, this.bearerToken, this.body,
				this.contentType, timeout);
	}

	@Override
	public String toString() {
		// Never print the credential.
		return "ApiCall[" + this.operation + " " + this.method + " " + this.uri + "]";
	}

}
