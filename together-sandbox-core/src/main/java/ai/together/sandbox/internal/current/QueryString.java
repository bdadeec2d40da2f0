package ai.together.sandbox.internal.current;

import java.util.Map;

import ai.together.sandbox.internal.util.PathEncoder;
import org.jspecify.annotations.Nullable;

/**
 * Builds a query string with every name and value percent-encoded, brackets of the
 * {@code statuses[]} (form, explode) and {@code tags[key]} (deepObject) styles included:
 * {@code java.net.URI} refuses raw brackets in a query, and servers decode both forms alike.
 */
public final class QueryString {

	private final StringBuilder query = new StringBuilder();

	/**
	 * Adds a parameter.
	 * @param name the raw name
	 * @param value the raw value
	 * @return this builder
	 */
	public QueryString add(String name, String value) {
		this.query.append((this.query.length() == 0) ? '?' : '&')
			.append(PathEncoder.query(name))
			.append('=')
			.append(PathEncoder.query(value));
		return this;
	}

	/**
	 * Adds the page parameters of a listing, each only when set.
	 * @param limit the page size, or {@code null}
	 * @param cursor the cursor of the page, or {@code null} for the first
	 * @return this builder
	 */
	public QueryString page(@Nullable Integer limit, @Nullable String cursor) {
		if (limit != null) {
			add("limit", limit.toString());
		}
		if (cursor != null) {
			add("cursor", cursor);
		}
		return this;
	}

	/**
	 * Adds tags as {@code tags[key]=value}, in their order.
	 * @param tags the tags
	 * @return this builder
	 */
	public QueryString tags(Map<String, String> tags) {
		tags.forEach((key, value) -> add("tags[" + key + "]", value));
		return this;
	}

	/**
	 * Returns the query, starting with {@code ?}, or the empty string when no parameter was added.
	 * @return the query
	 */
	@Override
	public String toString() {
		return this.query.toString();
	}

}
