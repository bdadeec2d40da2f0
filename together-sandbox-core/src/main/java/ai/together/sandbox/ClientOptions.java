package ai.together.sandbox;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import ai.together.sandbox.internal.util.Args;
import ai.together.sandbox.retry.RetryConfig;

/**
 * The settings of a client that a derived client may change: retries, response timeouts, extra
 * request headers and the API key. A client's options are the starting point of
 * {@link ReactiveTogetherSandbox#withOptions(Consumer) withOptions(...)}, which returns a client
 * with changed options over the same connection pool:
 * <pre>{@code
 * ReactiveTogetherSandbox probe = sdk.withOptions((options) -> options
 *     .retry(RetryConfig.disabled())
 *     .responseTimeout(Duration.ofSeconds(5)));
 * }</pre>
 * Immutable. {@link #toString()} shows neither the API key nor header values.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class ClientOptions {

	private final String apiKey;

	private final RetryConfig retry;

	private final Duration responseTimeout;

	private final Duration lifecycleTimeout;

	private final Map<String, String> headers;

	ClientOptions(String apiKey, RetryConfig retry, Duration responseTimeout, Duration lifecycleTimeout,
			Map<String, String> headers) {
		this.apiKey = apiKey;
		this.retry = retry;
		this.responseTimeout = responseTimeout;
		this.lifecycleTimeout = lifecycleTimeout;
		this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
	}

	/**
	 * Returns the retry configuration of every non-streaming call.
	 * @return the retry configuration
	 */
	public RetryConfig retry() {
		return this.retry;
	}

	/**
	 * Returns the response timeout of every non-streaming call, per attempt.
	 * @return the timeout
	 */
	public Duration responseTimeout() {
		return this.responseTimeout;
	}

	/**
	 * Returns the response timeout of the lifecycle {@code wait} call, per attempt.
	 * @return the timeout
	 */
	public Duration lifecycleTimeout() {
		return this.lifecycleTimeout;
	}

	/**
	 * Returns the headers sent with every request, in the order they were set.
	 * @return the headers, unmodifiable
	 */
	public Map<String, String> headers() {
		return this.headers;
	}

	String apiKey() {
		return this.apiKey;
	}

	Builder toBuilder() {
		return new Builder(this);
	}

	@Override
	public String toString() {
		// Header values may be credentials too: only their names are shown.
		return "ClientOptions[retry=" + this.retry + ", responseTimeout=" + this.responseTimeout
				+ ", lifecycleTimeout=" + this.lifecycleTimeout + ", headers=" + this.headers.keySet() + "]";
	}

	/**
	 * Changes the options of a derived client; it starts from the options of the client that
	 * {@code withOptions} is called on. Every method checks its arguments at once and throws
	 * {@link IllegalArgumentException} for a bad one.
	 */
	public static final class Builder {

		private String apiKey;

		private RetryConfig retry;

		private Duration responseTimeout;

		private Duration lifecycleTimeout;

		private final Map<String, String> headers;

		Builder(ClientOptions options) {
			this.apiKey = options.apiKey;
			this.retry = options.retry;
			this.responseTimeout = options.responseTimeout;
			this.lifecycleTimeout = options.lifecycleTimeout;
			this.headers = new LinkedHashMap<>(options.headers);
		}

		/**
		 * Retry configuration of every non-streaming call, for example
		 * {@link RetryConfig#disabled()}.
		 * @param retry the configuration
		 * @return this builder
		 */
		public Builder retry(RetryConfig retry) {
			this.retry = Args.notNull(retry, "retry");
			return this;
		}

		/**
		 * Response timeout of every non-streaming call, per attempt.
		 * @param responseTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder responseTimeout(Duration responseTimeout) {
			this.responseTimeout = Args.positive(responseTimeout, "responseTimeout");
			return this;
		}

		/**
		 * Response timeout of the {@code wait} call that start, hibernate and shutdown make, per
		 * attempt.
		 * @param lifecycleTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder lifecycleTimeout(Duration lifecycleTimeout) {
			this.lifecycleTimeout = Args.positive(lifecycleTimeout, "lifecycleTimeout");
			return this;
		}

		/**
		 * Adds a header to every request of the derived client, management and agent API alike,
		 * or replaces the one of the same name (names are compared ignoring case). A header the
		 * client sets itself for one call ({@code Accept} of a stream, {@code Content-Type} of a
		 * body) wins over it. {@code Authorization} is rejected: the client sends the API key (or
		 * a sandbox's agent token) as the bearer credential; use {@link #apiKey(String)}.
		 * @param name the header name, an HTTP token
		 * @param value the value, without CR, LF or other control characters but tab
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			String checkedName = headerName(name);
			String checkedValue = headerValue(value, checkedName);
			this.headers.keySet().removeIf(checkedName::equalsIgnoreCase);
			this.headers.put(checkedName, checkedValue);
			return this;
		}

		/**
		 * Removes a header added with {@link #header(String, String)}, here or by the client the
		 * options derive from (names are compared ignoring case).
		 * @param name the header name
		 * @return this builder
		 */
		public Builder removeHeader(String name) {
			Args.notNull(name, "name");
			this.headers.keySet().removeIf(name::equalsIgnoreCase);
			return this;
		}

		/**
		 * API key of the derived client's management calls (for example one per tenant). The
		 * agent calls of a sandbox use its agent token, whatever the key.
		 * @param apiKey the API key, without whitespace or control characters
		 * @return this builder
		 */
		public Builder apiKey(String apiKey) {
			this.apiKey = Args.credential(apiKey, "apiKey");
			return this;
		}

		ClientOptions build() {
			return new ClientOptions(this.apiKey, this.retry, this.responseTimeout, this.lifecycleTimeout,
					this.headers);
		}

		private static String headerName(String name) {
			Args.notNull(name, "name");
			if (name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank");
			}
			for (int i = 0; i < name.length(); i++) {
				char c = name.charAt(i);
				if (!isTokenChar(c)) {
					throw new IllegalArgumentException("name must be an HTTP token, found " + describe(c) + " at index "
							+ i + " of header name of " + name.length() + " characters");
				}
			}
			if (name.equalsIgnoreCase("Authorization")) {
				throw new IllegalArgumentException("name must not be Authorization: the client sends the API key "
						+ "(or a sandbox's agent token) as the bearer credential; use apiKey(...) instead");
			}
			return name;
		}

		private static String headerValue(String value, String name) {
			Args.notNull(value, "value");
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (c != '\t' && Character.isISOControl(c)) {
					// A CR or LF would end the header and let the value inject others.
					throw new IllegalArgumentException("value of header " + name + " must not contain control "
							+ "characters, found " + describe(c) + " at index " + i);
				}
			}
			return value;
		}

		private static boolean isTokenChar(char c) {
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
		}

		private static String describe(char c) {
			return String.format("U+%04X", (int) c);
		}

	}

}
