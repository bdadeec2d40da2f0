package ai.together.sandbox.internal.json;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import ai.together.sandbox.internal.util.Lazy;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.TypeFactory;

/**
 * The one JSON mapper configuration of the client: unknown properties tolerated (the servers may
 * add fields), absent optional request fields omitted rather than sent as {@code null}, and no
 * cap on string length (file contents arrive as one JSON string).
 */
public final class Json {

	private Json() {
	}

	/**
	 * Built on first use (the holder idiom): building a client, or loading a class that names a
	 * type it reads, does not build a mapper.
	 */
	private static final class Holder {

		static final JsonMapper MAPPER = JsonMapper
			.builder(JsonFactory.builder()
				// A file read returns the whole file as one JSON string (base64 for binary): Jackson's
				// default 100M-character cap would make files over ~71 MiB unreadable; the JVM's array
				// limit (2 GiB) and the heap remain the bounds.
				.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
				.build())
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
			// Jackson's Instant reading, with a fast path for the timestamps the servers send.
			.addModule(new SimpleModule("together-sandbox-instants").addDeserializer(Instant.class,
					UtcInstantDeserializer.INSTANCE))
			.build();

	}

	/**
	 * A JSON type resolved on first use, for the constants of the classes that read it: loading
	 * such a class builds no mapper.
	 */
	public static final class LazyType {

		private final Lazy<JavaType> type;

		private LazyType(Function<TypeFactory, JavaType> resolver) {
			// An anonymous class, not a lambda: a lambda returning JavaType would load Jackson's
			// type classes with the constants of every class that reads a type.
			this.type = new Lazy<>() {

				@Override
				protected JavaType make() {
					return resolver.apply(mapper().getTypeFactory());
				}

			};
		}

		/**
		 * Returns the type.
		 * @return the type, resolved by the shared mapper's type factory
		 */
		public JavaType get() {
			return this.type.get();
		}

	}

	/**
	 * A class as a type resolved on first use.
	 * @param type the class
	 * @return the lazy type
	 */
	public static LazyType type(Class<?> type) {
		return new LazyType((factory) -> factory.constructType(type));
	}

	/**
	 * {@code List<item>} as a type resolved on first use.
	 * @param item the element class
	 * @return the lazy type
	 */
	public static LazyType listOf(Class<?> item) {
		return new LazyType((factory) -> factory.constructCollectionType(List.class, item));
	}

	/**
	 * {@code container<item>} as a type resolved on first use.
	 * @param container the generic class with one type parameter
	 * @param item its type argument
	 * @return the lazy type
	 */
	public static LazyType parametric(Class<?> container, Class<?> item) {
		return new LazyType((factory) -> factory.constructParametricType(container, item));
	}

	/**
	 * Returns the shared mapper.
	 * @return the mapper
	 */
	public static JsonMapper mapper() {
		return Holder.MAPPER;
	}

	/**
	 * Serialises a value to JSON bytes.
	 * @param value the value
	 * @return the UTF-8 JSON
	 */
	public static byte[] write(Object value) {
		return Holder.MAPPER.writeValueAsBytes(value);
	}

	/**
	 * Reads JSON into a type.
	 * @param <T> the type
	 * @param in the JSON
	 * @param type the type
	 * @return the value
	 * @throws IOException when the JSON is malformed or does not fit the type
	 */
	public static <T> T read(InputStream in, Class<T> type) throws IOException {
		try {
			return Holder.MAPPER.readValue(in, type);
		}
		catch (JacksonException ex) {
			throw new IOException(describe(ex), ex);
		}
	}

	/**
	 * Reads JSON into a generic type.
	 * @param <T> the type
	 * @param in the JSON
	 * @param type the type
	 * @return the value
	 * @throws IOException when the JSON is malformed or does not fit the type
	 */
	public static <T> T read(InputStream in, JavaType type) throws IOException {
		try {
			return Holder.MAPPER.readValue(in, type);
		}
		catch (JacksonException ex) {
			throw new IOException(describe(ex), ex);
		}
	}

	/**
	 * Reads JSON into a type resolved on first use.
	 * @param <T> the type
	 * @param in the JSON
	 * @param type the type
	 * @return the value
	 * @throws IOException when the JSON is malformed or does not fit the type
	 */
	public static <T> T read(InputStream in, LazyType type) throws IOException {
		return read(in, type.get());
	}

	/**
	 * Reads JSON into a tree.
	 * @param json the JSON
	 * @return the tree
	 * @throws IOException when the JSON is malformed
	 */
	public static JsonNode tree(byte[] json) throws IOException {
		try {
			return Holder.MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IOException(describe(ex), ex);
		}
	}

	/**
	 * A one-line description of a JSON failure, without Jackson's multi-line source excerpt.
	 * @param ex the failure
	 * @return the description
	 */
	public static String describe(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message == null) {
			message = ex.getClass().getSimpleName();
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

}
