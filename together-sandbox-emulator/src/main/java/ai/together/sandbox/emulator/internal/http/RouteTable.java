package ai.together.sandbox.emulator.internal.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The routes of one API: a mount template (such as {@code /sandboxes/{sandbox}/agent}), a guard
 * that admits requests (authentication), and method plus path template to handler entries.
 *
 * <p>Templates are matched against the raw, still percent-encoded segments of the path, so that
 * {@code %2F} inside a parameter is never taken for a separator. A segment is a literal, a
 * parameter {@code {name}} (one segment), or, last, a rest parameter {@code {name*}} (zero or more
 * segments) or {@code {name+}} (one or more), whose raw value keeps the slashes between them.
 * Routes are tried in order; a path that some route matches with another method is answered 405,
 * a path no route matches 404. Both answers come after the guard, so that an unauthenticated caller
 * learns nothing about the endpoints.
 *
 * @param <C> what the guard hands to the handlers: the request itself or an object built from it
 */
public final class RouteTable<C> {

	/**
	 * Admits a request or refuses it with an {@link ApiException}.
	 * @param <C> what the handlers receive
	 */
	@FunctionalInterface
	public interface Guard<C> {

		/**
		 * Admits the request.
		 * @param request the request, with the path parameters of its route
		 * @return what the handler receives
		 */
		C admit(Request request);

	}

	/**
	 * Answers an admitted request.
	 * @param <C> what the guard produced
	 */
	@FunctionalInterface
	public interface Handler<C> {

		/**
		 * Answers the request.
		 * @param context what the guard produced
		 * @return the reply
		 */
		Mono<Reply> handle(C context);

	}

	private static final String ANY_METHOD = "*";

	private record Route<C>(String method, List<String> template, Handler<C> handler, boolean streamsBody) {
	}

	private final List<String> mount;

	private final String literalPrefix;

	private final ErrorStyle errorStyle;

	private final Guard<C> guard;

	private final boolean ignoreEmptySegments;

	private final List<Route<C>> routes;

	private RouteTable(Builder<C> builder) {
		this.mount = builder.mount;
		this.literalPrefix = builder.literalPrefix;
		this.errorStyle = builder.errorStyle;
		this.guard = builder.guard;
		this.ignoreEmptySegments = builder.ignoreEmptySegments;
		this.routes = List.copyOf(builder.routes);
	}

	/**
	 * Starts a table.
	 * @param <C> what the guard hands to the handlers
	 * @param mount the template every path of the API starts with
	 * @param errorStyle the shape of this API's error bodies
	 * @param guard what admits requests before they reach a handler
	 * @return the builder
	 */
	public static <C> Builder<C> mount(String mount, ErrorStyle errorStyle, Guard<C> guard) {
		return new Builder<>(mount, errorStyle, guard);
	}

	/**
	 * Whether a request URI belongs to this API as far as the shape of its errors goes: it starts
	 * with the literal part of the mount.
	 */
	boolean claimsErrorsOf(String uri) {
		return uri.startsWith(this.literalPrefix);
	}

	ErrorStyle errorStyle() {
		return this.errorStyle;
	}

	/**
	 * Looks a request up without running anything.
	 * @return the lookup, or {@code null} when the path is not under the mount
	 */
	@Nullable Lookup lookup(Request request) {
		String path = request.path();
		if (!path.startsWith("/")) {
			return null;
		}
		List<String> segments = Arrays.asList(path.substring(1).split("/", -1));
		Map<String, String> params = new LinkedHashMap<>();
		if (segments.size() < this.mount.size() || !matchSegments(this.mount, segments.subList(0, this.mount.size()), params)) {
			return null;
		}
		List<String> rest = segments.subList(this.mount.size(), segments.size());
		if (this.ignoreEmptySegments) {
			rest = rest.stream().filter(s -> !s.isEmpty()).toList();
		}
		boolean pathKnown = false;
		for (Route<C> route : this.routes) {
			Map<String, String> routeParams = new LinkedHashMap<>(params);
			if (matchSegments(route.template(), rest, routeParams)) {
				pathKnown = true;
				if (route.method().equals(ANY_METHOD) || route.method().equals(request.method())) {
					return new Lookup(route, routeParams, null);
				}
			}
		}
		ApiException failure = pathKnown ? new ApiException(405, "method not allowed")
				: ApiException.notFound("no such endpoint: " + request.method() + " " + path);
		return new Lookup(null, params, failure);
	}

	/** Matches a whole list of segments; a rest parameter can only be last. */
	private static boolean matchSegments(List<String> template, List<String> segments, Map<String, String> params) {
		for (int i = 0; i < template.size(); i++) {
			String part = template.get(i);
			boolean parameter = part.startsWith("{") && part.endsWith("}");
			if (parameter && (part.endsWith("*}") || part.endsWith("+}"))) {
				if (part.endsWith("+}") && segments.size() <= i) {
					return false;
				}
				params.put(part.substring(1, part.length() - 2),
						String.join("/", segments.subList(Math.min(i, segments.size()), segments.size())));
				return true;
			}
			if (i >= segments.size()) {
				return false;
			}
			if (parameter) {
				params.put(part.substring(1, part.length() - 1), segments.get(i));
			}
			else if (!part.equals(segments.get(i))) {
				return false;
			}
		}
		return template.size() == segments.size();
	}

	private static List<String> parse(String template) {
		if (template.isEmpty()) {
			return List.of();
		}
		if (!template.startsWith("/")) {
			throw new IllegalArgumentException("a template starts with '/': " + template);
		}
		return List.of(template.substring(1).split("/", -1));
	}

	/**
	 * A looked-up request: the route to run, or the 404 or 405 to answer once the guard has
	 * admitted the request.
	 */
	final class Lookup {

		private final @Nullable Route<C> route;

		private final Map<String, String> params;

		private final @Nullable ApiException failure;

		private Lookup(@Nullable Route<C> route, Map<String, String> params, @Nullable ApiException failure) {
			this.route = route;
			this.params = params;
			this.failure = failure;
		}

		/** Whether the handler reads the body itself (uploads): it is not read beforehand. */
		boolean streamsBody() {
			return this.route != null && this.route.streamsBody();
		}

		Mono<Reply> run(Request request) {
			C context = RouteTable.this.guard.admit(request.withPathParams(this.params));
			if (this.route == null) {
				throw this.failure;
			}
			return this.route.handler().handle(context);
		}

	}

	/**
	 * Collects the routes of a table.
	 * @param <C> what the guard hands to the handlers
	 */
	public static final class Builder<C> {

		private final List<String> mount;

		private final String literalPrefix;

		private final ErrorStyle errorStyle;

		private final Guard<C> guard;

		private final List<Route<C>> routes = new ArrayList<>();

		private boolean ignoreEmptySegments;

		private Builder(String mount, ErrorStyle errorStyle, Guard<C> guard) {
			this.mount = parse(mount);
			int brace = mount.indexOf('{');
			this.literalPrefix = brace >= 0 ? mount.substring(0, brace) : mount;
			this.errorStyle = errorStyle;
			this.guard = guard;
		}

		/**
		 * Drops empty segments (doubled and trailing slashes) after the mount before matching.
		 * @return this builder
		 */
		public Builder<C> ignoringEmptySegments() {
			this.ignoreEmptySegments = true;
			return this;
		}

		/**
		 * Adds a {@code GET} route.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> get(String template, Handler<C> handler) {
			return add("GET", template, handler, false);
		}

		/**
		 * Adds a {@code POST} route.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> post(String template, Handler<C> handler) {
			return add("POST", template, handler, false);
		}

		/**
		 * Adds a {@code POST} route whose handler reads the body itself, as a stream.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> postStreamed(String template, Handler<C> handler) {
			return add("POST", template, handler, true);
		}

		/**
		 * Adds a {@code PUT} route.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> put(String template, Handler<C> handler) {
			return add("PUT", template, handler, false);
		}

		/**
		 * Adds a {@code PATCH} route.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> patch(String template, Handler<C> handler) {
			return add("PATCH", template, handler, false);
		}

		/**
		 * Adds a {@code DELETE} route.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> delete(String template, Handler<C> handler) {
			return add("DELETE", template, handler, false);
		}

		/**
		 * Adds a route for every method.
		 * @param template the path template below the mount
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder<C> any(String template, Handler<C> handler) {
			return add(ANY_METHOD, template, handler, false);
		}

		private Builder<C> add(String method, String template, Handler<C> handler, boolean streamsBody) {
			this.routes.add(new Route<>(method, parse(template), handler, streamsBody));
			return this;
		}

		/**
		 * Builds the table.
		 * @return the table
		 */
		public RouteTable<C> build() {
			return new RouteTable<>(this);
		}

	}

}
