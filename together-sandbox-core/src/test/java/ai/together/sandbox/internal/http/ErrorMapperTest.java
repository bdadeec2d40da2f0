package ai.together.sandbox.internal.http;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import ai.together.sandbox.TestClients.RecordingSleeper;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.internal.util.Repr;
import ai.together.sandbox.retry.RetryConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error mapper on its own: the three message shapes of PROTOCOL.md §4.2, field errors,
 * {@code Retry-After} parsing and robustness against odd bodies and headers; plus the quoting of
 * {@link Repr} that the messages rely on.
 */
class ErrorMapperTest {

	private static final String CONTEXT = "for sandbox 'abc123'";

	@Test
	void transportFailureNamesTheMostSpecificCauseAndKeepsTheOriginal() {
		ConnectException refused = new ConnectException("Connection refused");
		WebClientRequestException wrapped = new WebClientRequestException(refused, HttpMethod.GET,
				java.net.URI.create("http://127.0.0.1:1/api/v1/sandboxes/abc123"), new HttpHeaders());
		HttpException ex = ErrorMapper.transportFailure("sandboxes.get", CONTEXT, wrapped);
		assertThat(ex).hasMessage("sandboxes.get for sandbox 'abc123': ConnectException: Connection refused");
		assertThat(ex.status()).isZero();
		assertThat(ex.getCause()).isSameAs(wrapped);
		assertThat(ex.operation()).isEqualTo("sandboxes.get");
	}

	@Test
	void transportFailureWithoutTextOrContext() {
		assertThat(ErrorMapper.transportFailure("sandboxes.create", null, new TimeoutException()))
			.hasMessage("sandboxes.create: TimeoutException");
		assertThat(ErrorMapper.transportFailure("files.read", "for path '/a.txt'", new IOException(" ")))
			.hasMessage("files.read for path '/a.txt': IOException");
	}

	@Test
	void managementErrorBody() {
		HttpException ex = ErrorMapper.errorResponse("sandboxes.start", CONTEXT, 404, new HttpHeaders(),
				bytes("{\"code\":\"NOT_FOUND\",\"message\":\"sandbox not found\",\"errors\":[]}"));
		assertThat(ex).hasMessage("Failed to sandboxes.start for sandbox 'abc123': sandbox not found (code: NOT_FOUND)");
		assertThat(ex.code()).isEqualTo("NOT_FOUND");
		assertThat(ex.status()).isEqualTo(404);
		assertThat(ex.getCause()).isNull();
	}

	@Test
	void agentErrorBodyWithNumericCode() {
		HttpException ex = ErrorMapper.errorResponse("files.read", "for path '/a.txt'", 404, new HttpHeaders(),
				bytes("{\"code\":404,\"message\":\"file not found\"}"));
		assertThat(ex).hasMessage("Failed to files.read for path '/a.txt': file not found (code: 404)");
		assertThat(ex.code()).isEqualTo("404");
	}

	@Test
	void bodiesWithoutAStringMessageAreNoModel() {
		for (String body : List.of("", "not json", "[]", "\"message\"", "{\"code\":\"X\"}", "{\"message\":42}",
				"{\"message\":{\"text\":\"x\"}}")) {
			HttpException ex = ErrorMapper.errorResponse("sandboxes.wait", CONTEXT, 503, new HttpHeaders(), bytes(body));
			assertThat(ex).as(body).hasMessage("sandboxes.wait returned no response for sandbox 'abc123' (HTTP 503)");
			assertThat(ex.code()).isNull();
		}
	}

	@Test
	void jsonErrorBodiesWithoutAMessageCarryTheServerText() {
		for (String body : List.of("{\"error\":\"upstream overloaded\"}",
				"{\"error\":{\"message\":\"upstream overloaded\",\"type\":\"busy\"}}",
				"{\"detail\":\"upstream overloaded\",\"title\":\"Service Unavailable\"}",
				"{\"errors\":[\"upstream overloaded\"]}", "{\"errors\":[{\"message\":\"upstream overloaded\"}]}",
				"{\"code\":\"BUSY\",\"message\":null,\"error\":\"upstream overloaded\"}")) {
			HttpException ex = ErrorMapper.errorResponse("sandboxes.wait", CONTEXT, 503, new HttpHeaders(), bytes(body));
			assertThat(ex).as(body)
				.hasMessage("Failed to sandboxes.wait for sandbox 'abc123': upstream overloaded (HTTP 503)");
			assertThat(ex.status()).isEqualTo(503);
			assertThat(ex.code()).as(body).isNull();
			assertThat(ex.errors()).as(body).isEmpty();
		}
		HttpException several = ErrorMapper.errorResponse("sandboxes.create", null, 422, new HttpHeaders(),
				bytes("{\"errors\":[{\"parameter\":\"id\",\"message\":\"too short\"},\"quota exceeded\"]}"));
		assertThat(several).hasMessage("Failed to sandboxes.create: id: too short; quota exceeded (HTTP 422)");
	}

	@Test
	void oddFieldErrorsAreToleratedAndKept() {
		HttpException ex = ErrorMapper.errorResponse("sandboxes.create", null, 400, new HttpHeaders(),
				bytes("{\"code\":\"INVALID\",\"message\":\"bad\",\"errors\":[\"oops\",{\"parameter\":\"id\",\"details\":"
						+ "\"too short\"},{\"code\":7,\"details\":[1]},{\"parameter\":\"millicpu\",\"details\":{\"min\":250}}]}"));
		assertThat(ex).hasMessage("Failed to sandboxes.create: bad (code: INVALID)");
		assertThat(ex.errors()).containsExactly(new HttpException.FieldError("id", null, null, null),
				new HttpException.FieldError(null, "7", null, null),
				new HttpException.FieldError("millicpu", null, null, Map.of("min", 250)));
	}

	@Test
	void errorsThatAreNotAnArrayAreIgnored() {
		HttpException ex = ErrorMapper.errorResponse("sandboxes.create", null, 400, new HttpHeaders(),
				bytes("{\"code\":\"INVALID\",\"message\":\"bad\",\"errors\":{\"id\":\"short\"}}"));
		assertThat(ex.errors()).isEmpty();
	}

	@Test
	void longMessagesAreTruncated() {
		String longText = "x".repeat(5000);
		HttpException ex = ErrorMapper.errorResponse("sandboxes.get", CONTEXT, 500, new HttpHeaders(),
				bytes("{\"code\":\"E\",\"message\":\"" + longText + "\"}"));
		assertThat(ex.getMessage()).hasSizeLessThan(1200).contains("x".repeat(1000) + "…");
	}

	@Test
	void invalidBodyNamesTheOperationAndStatus() {
		HttpException ex = ErrorMapper.invalidBody("sandboxes.get", CONTEXT, 200, new IOException("Unexpected end"));
		assertThat(ex).hasMessage("sandboxes.get returned an invalid response for sandbox 'abc123' (HTTP 200): Unexpected end");
		assertThat(ex.status()).isEqualTo(200);
		assertThat(ex.getCause()).isInstanceOf(IOException.class);
	}

	@Test
	void retryAfterParsing() {
		assertThat(ErrorMapper.retryAfter(null)).isNull();
		assertThat(ErrorMapper.retryAfter(" ")).isNull();
		assertThat(ErrorMapper.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
		assertThat(ErrorMapper.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
		assertThat(ErrorMapper.retryAfter("-3")).isNull();
		assertThat(ErrorMapper.retryAfter("soon")).isNull();
		assertThat(ErrorMapper.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
		String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(2));
		assertThat(ErrorMapper.retryAfter(inTwoMinutes)).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "3");
		assertThat(ErrorMapper.errorResponse("files.read", null, 429, headers, new byte[0]).retryAfter())
			.isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void absurdRetryAfterIsCappedNotACrash() {
		// More seconds than a Duration can hold in nanoseconds, and a date thousands of years away.
		for (String header : List.of("99999999999", "Fri, 31 Dec 9999 23:59:59 GMT")) {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, header);
			HttpException busy = ErrorMapper.errorResponse("files.read", null, 503, headers, new byte[0]);
			RecordingSleeper sleeper = new RecordingSleeper();
			RetryEngine engine = new RetryEngine(RetryConfig.builder().maxAttempts(2).build(), sleeper, () -> 0.0,
					List.of());
			int[] calls = { 0 };
			String result = engine.execute("files.read", () -> (calls[0]++ == 0) ? Mono.error(busy) : Mono.just("ok"))
				.block();
			assertThat(result).as(header).isEqualTo("ok");
			assertThat(sleeper.sleeps()).as(header).containsExactly(Duration.ofSeconds(30));
		}
	}

	@Test
	void suffixAndReprQuoting() {
		assertThat(ErrorMapper.suffix(null)).isEmpty();
		assertThat(ErrorMapper.suffix("for id 'x'")).isEqualTo(" for id 'x'");
		assertThat(Repr.quote("abc")).isEqualTo("'abc'");
		assertThat(Repr.quote("it's")).isEqualTo("\"it's\"");
		assertThat(Repr.quote("both ' and \"")).isEqualTo("'both \\' and \"'");
		assertThat(Repr.quote("a\\b\n\t\r\u0001\u007f")).isEqualTo("'a\\\\b\\n\\t\\r\\x01\\x7f'");
		assertThat(Repr.context("path", "/a.txt")).isEqualTo("for path '/a.txt'");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
