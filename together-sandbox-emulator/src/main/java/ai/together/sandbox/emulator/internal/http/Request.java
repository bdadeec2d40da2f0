package ai.together.sandbox.emulator.internal.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A request with its raw path (never decoded as a whole), its decoded query parameters, the raw
 * values of the path parameters its route matched and, once read, its body.
 *
 * @param netty the underlying request
 * @param method the HTTP method
 * @param path the raw path, without query and fragment
 * @param query the decoded query parameters
 * @param pathParams the raw (still percent-encoded) path parameters by name
 * @param body the body, {@code null} while not read
 * @param consumed whether anything has started to read the body
 */
public record Request(HttpServerRequest netty, String method, String path, Map<String, List<String>> query,
		Map<String, String> pathParams, byte @Nullable [] body, AtomicBoolean consumed) {

	/**
	 * Parses the request line of a Netty request.
	 * @param netty the request
	 * @return the request
	 */
	public static Request of(HttpServerRequest netty) {
		String uri = netty.uri();
		int hash = uri.indexOf('#');
		if (hash >= 0) {
			uri = uri.substring(0, hash);
		}
		int q = uri.indexOf('?');
		String path = q >= 0 ? uri.substring(0, q) : uri;
		Map<String, List<String>> query = new LinkedHashMap<>();
		if (q >= 0) {
			for (String pair : uri.substring(q + 1).split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int eq = pair.indexOf('=');
				String name = PathCodec.decodeQuery(eq >= 0 ? pair.substring(0, eq) : pair);
				String value = eq >= 0 ? PathCodec.decodeQuery(pair.substring(eq + 1)) : "";
				query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
			}
		}
		return new Request(netty, netty.method().name(), path, query, Map.of(), null, new AtomicBoolean());
	}

	/**
	 * The same request with its body already read.
	 * @param bytes the body
	 * @return the request
	 */
	public Request withBody(byte[] bytes) {
		this.consumed.set(true);
		return new Request(this.netty, this.method, this.path, this.query, this.pathParams, bytes, this.consumed);
	}

	/**
	 * The same request with the path parameters of its route.
	 * @param params the raw parameters by name
	 * @return the request
	 */
	public Request withPathParams(Map<String, String> params) {
		return new Request(this.netty, this.method, this.path, this.query, Map.copyOf(params), this.body,
				this.consumed);
	}

	/**
	 * Returns a path parameter, percent-decoded.
	 * @param name the name in the route template
	 * @return the decoded value
	 * @throws ApiException 400 if the value is not valid percent-encoding
	 */
	public String pathParam(String name) {
		return PathCodec.decode(rawPathParam(name));
	}

	/**
	 * Returns a path parameter as it was sent.
	 * @param name the name in the route template
	 * @return the raw value
	 */
	public String rawPathParam(String name) {
		String value = this.pathParams.get(name);
		if (value == null) {
			throw new IllegalStateException("the route has no path parameter " + name);
		}
		return value;
	}

	/**
	 * Returns the first value of a query parameter.
	 * @param name the name
	 * @return the value, or {@code null}
	 */
	public @Nullable String queryParam(String name) {
		List<String> values = this.query.get(name);
		return values == null || values.isEmpty() ? null : values.get(0);
	}

	/**
	 * Returns every value of a query parameter.
	 * @param name the name
	 * @return the values, possibly none
	 */
	public List<String> queryParams(String name) {
		return this.query.getOrDefault(name, List.of());
	}

	/**
	 * Returns a request header.
	 * @param name the name
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		return this.netty.requestHeaders().get(name);
	}

	/**
	 * Returns an integer query parameter.
	 * @param name the name
	 * @return the value, or {@code null} when absent or empty
	 * @throws ApiException 400 if the value is not an integer
	 */
	public @Nullable Long longParam(String name) {
		String value = queryParam(name);
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw ApiException.badRequest("query parameter '" + name + "' must be an integer");
		}
	}

	/**
	 * The host and port the client used, for URLs handed back to it.
	 * @param fallback the origin to use without a usable {@code Host} header
	 * @return the origin
	 */
	public String origin(String fallback) {
		String host = header("Host");
		return host == null || host.isBlank() || host.contains("/") ? fallback : "http://" + host;
	}

}
