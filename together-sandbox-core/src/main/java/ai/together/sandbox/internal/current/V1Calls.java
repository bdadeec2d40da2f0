package ai.together.sandbox.internal.current;

import java.net.URI;
import java.util.List;

import ai.together.sandbox.internal.http.ApiCall;
import ai.together.sandbox.internal.http.ClientContext;
import ai.together.sandbox.internal.json.Json;
import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.internal.util.PathEncoder;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * Addresses the current management API: the client's origin plus {@code /v1} (the seed's is
 * {@code /api/v1}), the client's API key, the client's transport and so its retry engine.
 */
public final class V1Calls {

	/** The path prefix of the current management API below the origin. */
	public static final String PREFIX = "/v1";

	/** The most ids a batch get takes. */
	public static final int MAX_BATCH = 100;

	private V1Calls() {
	}

	/**
	 * A call to the current management API.
	 * @param context the client context
	 * @param operation the operation name
	 * @param contextString the context string of error messages, or {@code null}
	 * @param method the method
	 * @param path the encoded path below {@code /v1}, starting with {@code /}, query included
	 * @return the call
	 */
	public static ApiCall call(ClientContext context, String operation, @Nullable String contextString,
			HttpMethod method, String path) {
		return ApiCall.of(operation, contextString, method, URI.create(context.origin() + PREFIX + path),
				context.apiKey());
	}

	/**
	 * The JSON type of a page body, {@code {"data": [...], "next_cursor": ...}}.
	 * @param item the item type
	 * @return the type, resolved on first use
	 */
	public static Json.LazyType pageType(Class<?> item) {
		return Json.parametric(PageBody.class, item);
	}

	/**
	 * Checks the ids of a batch get (UUIDs, 1 to 100, no duplicates) and returns its query:
	 * {@code ?ids%5B%5D=<id>&ids%5B%5D=<id>}.
	 * @param ids the ids
	 * @return the query string
	 */
	public static String batchQuery(List<String> ids) {
		Args.notNull(ids, "ids");
		if (ids.isEmpty() || ids.size() > MAX_BATCH) {
			throw new IllegalArgumentException("ids must hold 1 to " + MAX_BATCH + " ids, held " + ids.size());
		}
		QueryString query = new QueryString();
		java.util.Set<String> seen = new java.util.HashSet<>();
		for (int i = 0; i < ids.size(); i++) {
			String id = Args.uuid(ids.get(i), "ids[" + i + "]");
			if (!seen.add(id)) {
				throw new IllegalArgumentException("ids must not repeat an id, " + id + " appears twice");
			}
			query.add("ids[]", id);
		}
		return query.toString();
	}

	/**
	 * Encodes an id or alias as one path segment.
	 * @param value the raw value
	 * @return the segment
	 */
	public static String segment(String value) {
		return PathEncoder.segment(value);
	}

}
