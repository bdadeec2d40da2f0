package ai.together.sandbox.internal.http;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.errors.HttpException.FieldError;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.RedactedException;
import ai.together.sandbox.errors.TogetherSandboxException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redactor on its own: every part of an exception, causes rebuilt with their type named,
 * the minimum length, and what it keeps.
 */
class RedactorTest {

	private static final String KEY = "sk-UNIT-1a2b3c4d5e";

	private static final String TOKEN = "agt-UNIT-9f8e7d6c5b";

	private final Redactor redactor = new Redactor();

	@Test
	void anExceptionQuotingNoCredentialIsReturnedItself() {
		this.redactor.pin(KEY);
		HttpException error = new HttpException("Failed: nothing secret", 500, "op", "E",
				List.of(new FieldError("p", "c", "m", Map.of("a", List.of("b")))), null, new IOException("x"));
		assertThat(this.redactor.redact(error)).isSameAs(error);
	}

	@Test
	void everyPartOfAnHttpExceptionIsRedactedAndItsFieldsKept() {
		this.redactor.pin(KEY);
		this.redactor.learn(TOKEN);
		IOException root = new IOException("refused " + TOKEN);
		IllegalStateException middle = new IllegalStateException("plain", root);
		HttpException error = new HttpException("Failed to op: " + KEY, 401, "op", "BAD_" + TOKEN,
				List.of(new FieldError(TOKEN, null, "m " + KEY, Map.of(KEY, Map.of("list", List.of(TOKEN, 3))))),
				java.time.Duration.ofSeconds(2), middle);
		error.addSuppressed(new TogetherSandboxException("also " + KEY));

		HttpException redacted = this.redactor.redact(error);

		assertThat(redacted).isNotSameAs(error).hasMessage("Failed to op: [REDACTED]");
		assertThat(redacted.status()).isEqualTo(401);
		assertThat(redacted.operation()).isEqualTo("op");
		assertThat(redacted.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(2));
		assertThat(redacted.code()).isEqualTo("BAD_[REDACTED]");
		assertThat(redacted.errors()).containsExactly(new FieldError("[REDACTED]", null, "m [REDACTED]",
				Map.of("[REDACTED]", Map.of("list", List.of("[REDACTED]", 3)))));
		assertThat(redacted.getStackTrace()).isEqualTo(error.getStackTrace());
		// Causes: each one that quotes a credential, or has one below it, is rebuilt naming its type.
		assertThat(redacted.getCause()).isInstanceOfSatisfying(RedactedException.class, (cause) -> {
			assertThat(cause.originalType()).isEqualTo("java.lang.IllegalStateException");
			assertThat(cause).hasMessage("java.lang.IllegalStateException: plain");
			assertThat(cause.getStackTrace()).isEqualTo(middle.getStackTrace());
		});
		assertThat(redacted.getCause().getCause()).isInstanceOf(RedactedException.class)
			.hasMessage("java.io.IOException: refused [REDACTED]")
			.hasNoCause();
		assertThat(redacted.getSuppressed()).hasSize(1);
		assertThat(redacted.getSuppressed()[0]).isExactlyInstanceOf(TogetherSandboxException.class)
			.hasMessage("also [REDACTED]");
	}

	@Test
	void aCauseQuotingNothingIsKeptAsItIs() {
		this.redactor.pin(KEY);
		IOException cause = new IOException("connection refused");
		TogetherSandboxException error = new TogetherSandboxException("op: " + KEY, cause);
		Throwable redacted = this.redactor.redact(error);
		assertThat(redacted).isExactlyInstanceOf(TogetherSandboxException.class).hasMessage("op: [REDACTED]");
		assertThat(redacted.getCause()).isSameAs(cause);
	}

	@Test
	void aCyclicCauseChainEnds() {
		this.redactor.pin(KEY);
		IllegalStateException first = new IllegalStateException("one " + KEY);
		IllegalArgumentException second = new IllegalArgumentException("two", first);
		first.initCause(second);
		Throwable redacted = this.redactor.redact(first);
		assertThat(redacted).hasMessage("java.lang.IllegalStateException: one [REDACTED]");
	}

	@Test
	void valuesShorterThanTheMinimumAreNeverRedacted() {
		this.redactor.pin("k");
		this.redactor.learn("1234567");
		assertThat(this.redactor.redact("no fallback 1234567")).isEqualTo("no fallback 1234567");
		this.redactor.pin("12345678");
		assertThat(this.redactor.redact("no fallback 12345678")).isEqualTo("no fallback [REDACTED]");
	}

	@Test
	void aCredentialContainingAnotherIsReplacedWhole() {
		this.redactor.learn("abcdefgh");
		this.redactor.learn("abcdefgh-longer");
		assertThat(this.redactor.redact("x abcdefgh-longer y abcdefgh")).isEqualTo("x [REDACTED] y [REDACTED]");
	}

	@Test
	void learnedCredentialsAreBoundedAndPinnedOnesKept() {
		this.redactor.pin(KEY);
		this.redactor.learn(TOKEN);
		for (int i = 0; i < Redactor.MAX_LEARNED; i++) {
			this.redactor.learn("token-number-" + i);
		}
		assertThat(this.redactor.redact(KEY + " " + TOKEN + " token-number-0"))
			.isEqualTo("[REDACTED] " + TOKEN + " [REDACTED]");
	}

}
