package ai.together.sandbox.emulator.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import ai.together.sandbox.emulator.OpenApiSchemas.Api;
import ai.together.sandbox.emulator.OpenApiSchemas;
import ai.together.sandbox.emulator.conformance.ResponseRecorder.RecordedExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Checks recorded exchanges against the OpenAPI specifications of both generations: finds the
 * documented operation of each management ({@code /api/v1/…} seed, {@code /v1/…} current) and
 * agent ({@code /sandboxes/<id>/agent/api/v1/…}) request, and validates the body against the schema documented for its status — a JSON body
 * as a whole, a server-sent event stream event by event, a body-less response as empty, an
 * undocumented error body as the spec's {@code Error}. Image-builder exchanges
 * ({@code /builds…}) are not part of either specification and are only counted. An agent
 * request belongs to the current agent specification when its sandbox id is a UUID (the id form
 * of the current generation; seed ids are 6 to 8 characters).
 */
final class ResponseSchemaValidator {

	private static final String MANAGEMENT_PREFIX = "/api/v1";

	private static final String CURRENT_MANAGEMENT_PREFIX = "/v1";

	private static final Pattern AGENT_PREFIX = Pattern.compile("^/sandboxes/([^/]+)/agent(?=/)");

	private static final Pattern UUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private static final String JSON = "application/json";

	private static final String EVENT_STREAM = "text/event-stream";

	private final List<Operation> operations = new ArrayList<>();

	ResponseSchemaValidator() {
		for (Api api : Api.values()) {
			JsonNode paths = OpenApiSchemas.get().spec(api).get("paths");
			for (String template : paths.propertyNames()) {
				for (String method : paths.get(template).propertyNames()) {
					this.operations.add(new Operation(api, method.toUpperCase(Locale.ROOT), template,
							paths.get(template).get(method)));
				}
			}
		}
		// Most literal characters first: "/sandboxes/batch" wins over "/sandboxes/{id}".
		this.operations.sort(Comparator.comparingInt(Operation::literalLength).reversed());
	}

	/**
	 * What one exchange was checked as.
	 * @param endpoint the documented endpoint, for example {@code AGENT GET /api/v1/execs/{id}}
	 * @param problems what is wrong with the response, empty when nothing is
	 * @param bodies how many bodies were checked: the events of a stream, else 1
	 */
	record Checked(String endpoint, List<String> problems, int bodies) {
	}

	/** The problems of one response and how many bodies (events) they come from. */
	private record Outcome(List<String> problems, int bodies) {

		static Outcome of(String problem) {
			return new Outcome(List.of(problem), 1);
		}

	}

	/**
	 * Checks one exchange.
	 * @param exchange the exchange
	 * @return the endpoint it was matched to ({@code "AGENT GET /api/v1/execs/{id}"}, or
	 * {@code "BUILDER …"}) and what is wrong with its response, if anything
	 */
	Checked check(RecordedExchange exchange) {
		String path = exchange.uri().getRawPath();
		Api api;
		String below;
		var agent = AGENT_PREFIX.matcher(path);
		if (agent.find()) {
			api = UUID.matcher(agent.group(1)).matches() ? Api.CURRENT_AGENT : Api.AGENT;
			below = path.substring(agent.end());
		}
		else if (path.startsWith(MANAGEMENT_PREFIX + "/")) {
			api = Api.MANAGEMENT;
			below = path.substring(MANAGEMENT_PREFIX.length());
		}
		else if (path.startsWith(CURRENT_MANAGEMENT_PREFIX + "/")) {
			api = Api.CURRENT_MANAGEMENT;
			below = path.substring(CURRENT_MANAGEMENT_PREFIX.length());
		}
		else if (path.equals("/builds") || path.startsWith("/builds/")) {
			return new Checked("BUILDER " + exchange.method() + " " + path.replaceAll("^/builds/[^/]+", "/builds/{id}"),
					List.of(), 1);
		}
		else {
			return new Checked("UNKNOWN " + exchange.method() + " " + path,
					List.of(exchange + ": not an endpoint of either specification"), 1);
		}
		Operation operation = find(api, exchange.method(), below);
		if (operation == null) {
			return new Checked(api + " " + exchange.method() + " " + below,
					List.of(exchange + ": no " + api + " operation documents " + exchange.method() + " " + below), 1);
		}
		String endpoint = api + " " + operation.method() + " " + operation.template();
		Outcome outcome = problems(api, operation, exchange);
		List<String> problems = new ArrayList<>();
		for (String problem : outcome.problems()) {
			problems.add(endpoint + " (" + exchange + "): " + problem);
		}
		return new Checked(endpoint, problems, outcome.bodies());
	}

	private @Nullable Operation find(Api api, String method, String path) {
		for (boolean lenient : new boolean[] { false, true }) {
			for (Operation operation : this.operations) {
				if (operation.api() == api && operation.method().equals(method)
						&& operation.pattern(lenient).matcher(path).matches()) {
					return operation;
				}
			}
		}
		return null;
	}

	private static Outcome problems(Api api, Operation operation, RecordedExchange exchange) {
		int status = exchange.status();
		JsonNode responses = operation.definition().get("responses");
		JsonNode response = responses.get(Integer.toString(status));
		if (response == null) {
			response = responses.get("default");
		}
		if (response == null) {
			return Outcome.of("status " + status + " is not documented");
		}
		byte[] body = exchange.body();
		JsonNode content = response.get("content");
		if (content != null && content.has(EVENT_STREAM)) {
			if (!exchange.contentType().startsWith(EVENT_STREAM)) {
				return Outcome.of("content type '" + exchange.contentType() + "' instead of " + EVENT_STREAM);
			}
			return events(api, content.get(EVENT_STREAM).get("schema"), body);
		}
		if (content != null && content.has(JSON)) {
			return new Outcome(json(api, exchange, content.get(JSON).get("schema"), body), 1);
		}
		if (status >= 400) {
			// The spec leaves some error bodies undocumented; the emulator always sends its Error.
			return new Outcome(json(api, exchange,
					OpenApiSchemas.MAPPER.createObjectNode().put("$ref", "#/components/schemas/Error"), body), 1);
		}
		return (body.length == 0) ? new Outcome(List.of(), 1)
				: Outcome.of("documented without a body, but has " + body.length + " bytes: " + text(body));
	}

	private static List<String> json(Api api, RecordedExchange exchange, JsonNode schema, byte[] body) {
		if (!exchange.contentType().startsWith(JSON)) {
			return List.of("content type '" + exchange.contentType() + "' instead of " + JSON);
		}
		JsonNode parsed;
		try {
			parsed = OpenApiSchemas.MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			return List.of("body is not JSON: " + text(body));
		}
		if (parsed == null || parsed.isMissingNode()) {
			return List.of("empty body where a JSON body is documented");
		}
		return validate(api, schema, parsed);
	}

	private static Outcome events(Api api, JsonNode schema, byte[] body) {
		List<String> problems = new ArrayList<>();
		int events = 0;
		String text = new String(body, StandardCharsets.UTF_8).replace("\r\n", "\n");
		// Only complete events (ended by a blank line): a stream the client closed may end mid-event.
		int end = text.lastIndexOf("\n\n");
		if (end < 0) {
			return new Outcome(problems, 0);
		}
		for (String event : text.substring(0, end).split("\n\n")) {
			StringBuilder data = new StringBuilder();
			for (String line : event.split("\n")) {
				if (line.startsWith("data:")) {
					String value = line.substring(5);
					data.append(data.isEmpty() ? "" : "\n").append(value.startsWith(" ") ? value.substring(1) : value);
				}
			}
			if (data.isEmpty()) {
				continue;
			}
			events++;
			JsonNode parsed;
			try {
				parsed = OpenApiSchemas.MAPPER.readTree(data.toString());
			}
			catch (JacksonException ex) {
				problems.add("event data is not JSON: " + data);
				continue;
			}
			for (String problem : validate(api, schema, parsed)) {
				problems.add("event " + parsed + ": " + problem);
			}
		}
		return new Outcome(problems, events);
	}

	private static List<String> validate(Api api, JsonNode schema, JsonNode body) {
		String name;
		boolean array;
		if (schema.has("$ref")) {
			name = component(schema.get("$ref").asString());
			array = false;
		}
		else if ("array".equals(schema.path("type").asString("")) && schema.path("items").has("$ref")) {
			name = component(schema.get("items").get("$ref").asString());
			array = true;
		}
		else {
			return List.of("unsupported schema " + schema);
		}
		List<String> problems = OpenApiSchemas.get().problems(api, name, array, body);
		return problems.isEmpty() ? problems
				: List.of(name + (array ? "[]" : "") + " mismatch " + problems + " in " + body);
	}

	private static String component(String ref) {
		return ref.substring(ref.lastIndexOf('/') + 1);
	}

	private static String text(byte[] body) {
		String text = new String(body, StandardCharsets.UTF_8);
		return (text.length() > 300) ? text.substring(0, 300) + "…" : text;
	}

	/** One documented operation. */
	private record Operation(Api api, String method, String template, JsonNode definition) {

		int literalLength() {
			return this.template.replaceAll("\\{[^}]*}", "").length();
		}

		/**
		 * A template parameter matches one raw path segment; leniently, a last parameter matches
		 * the rest of the path (the watcher's path is sent with its slashes).
		 */
		Pattern pattern(boolean lenient) {
			StringBuilder regex = new StringBuilder();
			var matcher = Pattern.compile("\\{[^}]*}").matcher(this.template);
			int last = 0;
			while (matcher.find()) {
				regex.append(Pattern.quote(this.template.substring(last, matcher.start())));
				boolean atEnd = matcher.end() == this.template.length();
				regex.append((lenient && atEnd) ? ".+" : "[^/]+");
				last = matcher.end();
			}
			regex.append(Pattern.quote(this.template.substring(last)));
			return Pattern.compile(regex.toString());
		}

	}

}
