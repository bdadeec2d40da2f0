package ai.together.sandbox.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validates response bodies against the component schemas of the OpenAPI specifications copied
 * into {@code src/test/resources/openapi}: the seed generation's two, and the current
 * generation's two in {@code openapi/current}.
 *
 * <p>One deliberate adjustment: the agent spec lists {@code ExecItem.exitCode} as a required
 * integer although it is "only present when the process has exited"; clients read the key
 * unconditionally, so the emulator sends {@code null} while the exec runs, and the schema is
 * widened to accept that (in both agent specifications).
 */
public final class OpenApiSchemas {

	/** The JSON mapper the tests parse bodies with. */
	public static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final OpenApiSchemas INSTANCE = new OpenApiSchemas();

	private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
			builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

	private final JsonNode management = load("management-api.openapi.json");

	private final JsonNode agent = load("agent-api.openapi.json");

	private final JsonNode currentManagement = load("current/management-api.openapi.json");

	private final JsonNode currentAgent = load("current/agent-api.openapi.json");

	private final Map<String, Schema> cache = new ConcurrentHashMap<>();

	private OpenApiSchemas() {
		for (JsonNode spec : List.of(this.agent, this.currentAgent)) {
			ObjectNode exitCode = (ObjectNode) spec.get("components")
				.get("schemas")
				.get("ExecItem")
				.get("properties")
				.get("exitCode");
			ArrayNode types = exitCode.putArray("type");
			types.add("integer");
			types.add("null");
		}
	}

	/**
	 * Returns the shared instance.
	 * @return the schemas
	 */
	public static OpenApiSchemas get() {
		return INSTANCE;
	}

	private static JsonNode load(String name) {
		try (InputStream in = OpenApiSchemas.class.getResourceAsStream("/openapi/" + name)) {
			return MAPPER.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Which specification a body belongs to. */
	public enum Api {

		/** The seed management API ({@code /api/v1}). */
		MANAGEMENT,

		/** The seed agent API. */
		AGENT,

		/** The current management API ({@code /v1}). */
		CURRENT_MANAGEMENT,

		/** The current agent API (of sandboxes created through {@code /v1}). */
		CURRENT_AGENT

	}

	/**
	 * Returns one specification as loaded (with the adjustment described above).
	 * @param api which specification
	 * @return its JSON document
	 */
	public JsonNode spec(Api api) {
		return switch (api) {
			case MANAGEMENT -> this.management;
			case AGENT -> this.agent;
			case CURRENT_MANAGEMENT -> this.currentManagement;
			case CURRENT_AGENT -> this.currentAgent;
		};
	}

	/**
	 * Asserts that a body matches a component schema (or an array of it).
	 * @param api which specification
	 * @param schemaName the component schema name
	 * @param array whether the body is an array of that schema
	 * @param body the body
	 */
	public void validate(Api api, String schemaName, boolean array, JsonNode body) {
		assertThat(problems(api, schemaName, array, body)).as("%s %s%s of %s", api, schemaName, array ? "[]" : "", body)
			.isEmpty();
	}

	/**
	 * Returns how a body deviates from a component schema (or an array of it).
	 * @param api which specification
	 * @param schemaName the component schema name
	 * @param array whether the body is an array of that schema
	 * @param body the body
	 * @return the validation messages, empty when the body matches
	 */
	public List<String> problems(Api api, String schemaName, boolean array, JsonNode body) {
		Schema schema = this.cache.computeIfAbsent(api + "/" + schemaName + "/" + array, key -> {
			JsonNode spec = spec(api);
			ObjectNode root = MAPPER.createObjectNode();
			root.set("components", spec.get("components"));
			if (array) {
				root.put("type", "array");
				root.putObject("items").put("$ref", "#/components/schemas/" + schemaName);
			}
			else {
				root.put("$ref", "#/components/schemas/" + schemaName);
			}
			return this.registry.getSchema(root);
		});
		List<Error> errors = schema.validate(body);
		return errors.stream().map(Error::toString).toList();
	}

}
