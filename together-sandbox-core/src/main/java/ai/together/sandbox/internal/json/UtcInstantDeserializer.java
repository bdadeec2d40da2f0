package ai.together.sandbox.internal.json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;

/**
 * Jackson's {@link Instant} deserializer with a fast path for the one form the agents and the
 * management API send, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (a timestamp on every exec output
 * message: parsing it with {@link DateTimeFormatter#ISO_INSTANT} took about a tenth of a stream's
 * CPU time). A text of exactly that form, with a valid date and time, gives the instant
 * {@code ISO_INSTANT} gives; every other text, number or token goes to Jackson's own code
 * unchanged, so the results and errors are Jackson's.
 */
final class UtcInstantDeserializer extends InstantDeserializer<Instant> {

	/** The deserializer, configured as Jackson's default one. */
	static final UtcInstantDeserializer INSTANCE = new UtcInstantDeserializer();

	/** Nanoseconds per unit of the last digit of a fraction with 1 to 9 digits. */
	private static final int[] NANOS_PER_DIGIT = { 0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100,
			10, 1 };

	private static final int SHORTEST = "2026-01-01T00:00:00Z".length();

	private static final int LONGEST = "2026-01-01T00:00:00.123456789Z".length();

	private UtcInstantDeserializer() {
		super(InstantDeserializer.INSTANT, DateTimeFormatter.ISO_INSTANT);
	}

	@Override
	protected Instant _fromString(JsonParser parser, DeserializationContext context, String text) {
		Instant instant = parseUtc(text);
		return (instant != null) ? instant : super._fromString(parser, context, text);
	}

	/**
	 * Parses {@code yyyy-MM-ddTHH:mm:ss[.f]Z} with 1 to 9 fraction digits.
	 * @param text the text
	 * @return the instant, or {@code null} when the text has another form or an invalid date or
	 * time (for Jackson's code to read or to reject)
	 */
	static @Nullable Instant parseUtc(String text) {
		int length = text.length();
		if (length < SHORTEST || length > LONGEST || length == SHORTEST + 1 || text.charAt(length - 1) != 'Z'
				|| text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 2);
		int day = digits(text, 8, 2);
		int hour = digits(text, 11, 2);
		int minute = digits(text, 14, 2);
		int second = digits(text, 17, 2);
		if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
				|| second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
			return null;
		}
		int nanos = 0;
		if (length > SHORTEST) {
			int fractionDigits = length - SHORTEST - 1;
			int fraction = digits(text, SHORTEST, fractionDigits);
			if (text.charAt(SHORTEST - 1) != '.' || fraction < 0) {
				return null;
			}
			nanos = fraction * NANOS_PER_DIGIT[fractionDigits];
		}
		long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second;
		return Instant.ofEpochSecond(seconds, nanos);
	}

	/** The decimal number of {@code count} ASCII digits from {@code from}, or -1 when one is not a digit. */
	private static int digits(String text, int from, int count) {
		int value = 0;
		for (int i = from; i < from + count; i++) {
			int digit = text.charAt(i) - '0';
			if (digit < 0 || digit > 9) {
				return -1;
			}
			value = value * 10 + digit;
		}
		return value;
	}

}
