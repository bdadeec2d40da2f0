package ai.together.sandbox.internal.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.together.sandbox.execs.ExecOutput;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class UtcInstantDeserializerTest {

	/** Jackson as it comes: what every Instant read by the client must match. */
	private static final JsonMapper PLAIN = JsonMapper.builder().build();

	@Test
	void readsEveryTextAsPlainJacksonDoesFastPathOrNot() {
		List<String> texts = new ArrayList<>(List.of(
				// The fast path: no fraction, 1 to 9 fraction digits, leap day, year bounds.
				"2026-05-12T10:00:00Z", "2026-05-12T10:00:00.1Z", "2026-05-12T10:00:00.12Z",
				"2026-05-12T10:00:00.123Z", "2026-05-12T10:00:00.123456Z", "2026-05-12T10:00:00.123456789Z",
				"2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
				"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z",
				// Jackson's own code: offsets, lower case, spaces, numbers in strings, odd fractions.
				"2026-05-12T10:00:00+01:00", "2026-05-12T10:00:00+0100", "2026-05-12T10:00:00.5-05:30",
				"2026-05-12t10:00:00z", " 2026-05-12T10:00:00Z ", "1715508000", "1715508000.5", "",
				"2026-05-12T10:00:00.Z", "2026-05-12T10:00Z", "+2026-05-12T10:00:00Z", "12026-05-12T10:00:00Z",
				"2026-05-12T10:00:00.1234567890Z",
				// Invalid dates and times: Jackson rejects them (or reads a leap second its way).
				"2026-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z",
				"2026-05-00T10:00:00Z", "2026-05-12T24:00:00Z", "2026-05-12T10:60:00Z", "2026-05-12T23:59:60Z",
				"2026-05-1xT10:00:00Z", "2026-05-12 10:00:00Z", "2026/05/12T10:00:00Z", "2026-05-12T10:00:00.1a3Z",
				"garbage", "2026-05-12T10:00:00ZZ"));
		Random random = new Random(42);
		for (int i = 0; i < 2_000; i++) {
			// Random instants of the fast path's form, with every fraction length.
			LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorMod(random.nextLong(), 253_402_300_800L), 0,
					ZoneOffset.UTC);
			StringBuilder text = new StringBuilder(time.toLocalDate() + "T" + String.format("%02d:%02d:%02d",
					time.getHour(), time.getMinute(), time.getSecond()));
			int fraction = random.nextInt(10);
			if (fraction > 0) {
				text.append('.');
				for (int digit = 0; digit < fraction; digit++) {
					text.append(random.nextInt(10));
				}
			}
			texts.add(text.append('Z').toString());
		}
		for (String text : texts) {
			String json = PLAIN.writeValueAsString(text);
			assertThat(read(Json.mapper(), json)).as("reading %s", json).isEqualTo(read(PLAIN, json));
		}
	}

	@Test
	void takesTheFastPathForTheFormTheServersSend() {
		assertThat(UtcInstantDeserializer.parseUtc("2026-05-12T10:00:00.25Z"))
			.isEqualTo(Instant.parse("2026-05-12T10:00:00.25Z"));
		assertThat(UtcInstantDeserializer.parseUtc("2026-05-12T10:00:00+01:00")).isNull();
		assertThat(UtcInstantDeserializer.parseUtc("2026-02-30T10:00:00Z")).isNull();
	}

	@Test
	void isTheDeserializerOfTheClientsMapperAndKeepsJacksonsFeatures() throws Exception {
		assertThat(Json.mapper()._deserializationContext()
			.findRootValueDeserializer(Json.mapper().constructType(Instant.class)))
			.isInstanceOf(UtcInstantDeserializer.class);
		ExecOutput output = Json.mapper()
			.readValue("{\"type\":\"stdout\",\"output\":\"x\",\"sequence\":1,\"timestamp\":\"2026-05-12T10:00:00.123456Z\"}",
					ExecOutput.class);
		assertThat(output.timestamp()).isEqualTo(Instant.parse("2026-05-12T10:00:00.123456Z"));
		assertThat(Json.mapper().readerFor(Instant.class).with(DateTimeFeature.TRUNCATE_TO_MSECS_ON_READ)
			.<Instant>readValue("\"2026-05-12T10:00:00.123456Z\"")).isEqualTo(Instant.parse("2026-05-12T10:00:00.123Z"));
		assertThat(Json.mapper().readValue("1715508000000", Instant.class))
			.isEqualTo(PLAIN.readValue("1715508000000", Instant.class));
	}

	/** The instant read, or the class of the exception thrown instead. */
	private static Object read(JsonMapper mapper, String json) {
		try {
			return mapper.readValue(json, Instant.class);
		}
		catch (RuntimeException ex) {
			return ex.getClass();
		}
	}

}
