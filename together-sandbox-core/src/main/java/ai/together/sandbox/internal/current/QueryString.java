package ai.together.sandbox.internal.current;

import java.util.Map;

import ai.together.sandbox.internal.util.PathEncoder;

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
