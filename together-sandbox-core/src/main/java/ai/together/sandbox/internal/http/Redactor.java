package ai.together.sandbox.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import ai.together.sandbox.errors.HttpException.FieldError;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.errors.RedactedException;
import ai.together.sandbox.errors.TogetherSandboxException;
import ai.together.sandbox.sandboxes.SandboxInfo;
import ai.together.sandbox.snapshots.ContainerRegistryCredential;
import org.jspecify.annotations.Nullable;

/**
 * The one redactor of the client: knows every credential of one client and the clients derived
 * from it (their API keys, the agent tokens of the sandboxes started or connected through them,
 * the registry passwords they were issued) and removes them from every part of an exception:
 * message, code, field errors and their details (at any depth), causes and suppressed
 * exceptions. A server may quote any credential, not only the one of the call it refuses.
 * <p>
 * Only values of at least {@value #MIN_LENGTH} characters are redacted: a shorter value is no
 * real credential (real keys and tokens are much longer), and replacing it would mangle messages
 * (a key {@code k} would turn {@code no fallback} into {@code no fallbac[REDACTED]}). API keys
 * are kept for the client's lifetime; of the agent tokens and registry passwords, the
 * {@value #MAX_LEARNED} most recent.
 * <p>
 * An exception is rebuilt when it quotes a credential: an {@link HttpException} or
 * {@link TogetherSandboxException} as a copy of the same class (same status, code, stack
 * trace); any other exception, as a {@link RedactedException} that names its class.
 */
public final class Redactor {

	/** The shortest value that is redacted. */
	public static final int MIN_LENGTH = 8;

	/** What replaces a credential. */
	public static final String MASK = "[REDACTED]";

	/** How many learned (not pinned) credentials are kept. */
	static final int MAX_LEARNED = 1024;

	/** How deep a cause chain is followed. */
	private static final int MAX_DEPTH = 32;

	private final Set<String> pinned = Collections.synchronizedSet(new LinkedHashSet<>());

	private final Map<String, Boolean> learned = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {

		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
			return size() > MAX_LEARNED;
		}

	});

	/**
	 * Adds a credential kept for the client's lifetime (an API key).
	 * @param secret the credential, or {@code null}
	 */
	public void pin(@Nullable String secret) {
		if (isRedactable(secret)) {
			this.pinned.add(secret);
		}
	}

	/**
	 * Adds a credential of a sandbox or a build (an agent token, a registry password).
	 * @param secret the credential, or {@code null}
	 */
	public void learn(@Nullable String secret) {
		if (isRedactable(secret) && !this.pinned.contains(secret)) {
			this.learned.put(secret, Boolean.TRUE);
		}
	}

	/**
	 * Learns the credentials a decoded response carries: the agent token of a
	 * {@link SandboxInfo}, the password of a {@link ContainerRegistryCredential}.
	 * @param value the decoded value, or {@code null}
	 */
	public void learnFrom(@Nullable Object value) {
		if (value instanceof SandboxInfo info) {
			learn(info.agentToken());
		}
		else if (value instanceof ContainerRegistryCredential credential) {
			learn(credential.password());
		}
	}

	private static boolean isRedactable(@Nullable String secret) {
		return secret != null && secret.length() >= MIN_LENGTH;
	}

	/** The credentials, longest first (a credential containing another is replaced whole). */
	private List<String> secrets() {
		List<String> all = new ArrayList<>();
		synchronized (this.pinned) {
			all.addAll(this.pinned);
		}
		synchronized (this.learned) {
			all.addAll(this.learned.keySet());
		}
		all.sort(Comparator.comparingInt(String::length).reversed());
		return all;
	}

	/**
	 * Replaces every known credential in a text.
	 * @param text the text, or {@code null}
	 * @return the text without credentials ({@code null} for {@code null})
	 */
	public @Nullable String redact(@Nullable String text) {
		return redact(text, secrets());
	}

	/**
	 * Replaces given credentials (of at least {@value #MIN_LENGTH} characters) in a text: the
	 * same rule for callers that hold a credential of their own (the Docker CLI's password).
	 * @param text the text, or {@code null}
	 * @param secrets the credentials
	 * @return the text without them
	 */
	public static @Nullable String redact(@Nullable String text, List<String> secrets) {
		if (text == null) {
			return null;
		}
		String result = text;
		for (String secret : secrets) {
			if (isRedactable(secret)) {
				result = result.replace(secret, MASK);
			}
		}
		return result;
	}

	/**
	 * Removes every known credential from an exception.
	 * @param error the exception
	 * @return the exception itself when it quotes none, otherwise a rebuilt one (an
	 * {@link HttpException} or {@link TogetherSandboxException} of the same class, any other
	 * exception as a {@link RedactedException})
	 */
	public Throwable redact(Throwable error) {
		List<String> secrets = secrets();
		if (secrets.isEmpty()) {
			return error;
		}
		return new Rebuild(secrets).of(error, 0);
	}

	/**
	 * Removes every known credential from an HTTP exception.
	 * @param error the exception
	 * @return the exception itself when it quotes none, otherwise a copy
	 */
	public HttpException redact(HttpException error) {
		// An HttpException is always rebuilt as an HttpException.
		return (HttpException) redact((Throwable) error);
	}

	/** One redaction: the credentials, and the exceptions already rebuilt (a cause may repeat). */
	private static final class Rebuild {

		private final List<String> secrets;

		private final Map<Throwable, Throwable> done = new IdentityHashMap<>();

		Rebuild(List<String> secrets) {
			this.secrets = secrets;
		}

		Throwable of(Throwable error, int depth) {
			Throwable known = this.done.get(error);
			if (known != null) {
				return known;
			}
			// Marks the exception as in progress: a cyclic chain ends at its first repetition.
			this.done.put(error, error);
			Throwable cause = error.getCause();
			Throwable redactedCause = (cause != null && cause != error && depth < MAX_DEPTH) ? of(cause, depth + 1)
					: cause;
			Throwable[] suppressed = error.getSuppressed();
			List<Throwable> redactedSuppressed = new ArrayList<>(suppressed.length);
			boolean changed = redactedCause != cause;
			for (Throwable each : suppressed) {
				Throwable redacted = (depth < MAX_DEPTH) ? of(each, depth + 1) : each;
				changed |= redacted != each;
				redactedSuppressed.add(redacted);
			}
			String message = error.getMessage();
			String redactedMessage = text(message);
			changed |= !Objects.equals(message, redactedMessage);
			Throwable result = error;
			if (error.getClass() == HttpException.class) {
				HttpException http = (HttpException) error;
				String code = text(http.code());
				List<FieldError> errors = http.errors().stream().map(this::field).toList();
				if (changed || !Objects.equals(code, http.code()) || !errors.equals(http.errors())) {
					result = new HttpException(String.valueOf(redactedMessage), http.status(), http.operation(), code,
							errors, http.retryAfter(), redactedCause);
				}
			}
			else if (changed && error.getClass() == TogetherSandboxException.class) {
				result = new TogetherSandboxException(String.valueOf(redactedMessage), redactedCause);
			}
			else if (changed) {
				result = new RedactedException(error.getClass().getName(),
						error.getClass().getName() + ((redactedMessage != null) ? ": " + redactedMessage : ""),
						redactedCause);
			}
			if (result != error) {
				result.setStackTrace(error.getStackTrace());
				redactedSuppressed.forEach(result::addSuppressed);
			}
			this.done.put(error, result);
			return result;
		}

		private @Nullable String text(@Nullable String text) {
			return Redactor.redact(text, this.secrets);
		}

		private FieldError field(FieldError field) {
			@SuppressWarnings("unchecked")
			Map<String, Object> details = (field.details() != null) ? (Map<String, Object>) value(field.details())
					: null;
			return new FieldError(text(field.parameter()), text(field.code()), text(field.message()), details);
		}

		/** Redacts a JSON-like value: strings, and the keys and values of maps and lists. */
		private @Nullable Object value(@Nullable Object value) {
			if (value instanceof String text) {
				return text(text);
			}
			if (value instanceof Map<?, ?> map) {
				Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
				map.forEach((key, item) -> copy.put(value(key), value(item)));
				return Collections.unmodifiableMap(copy);
			}
			if (value instanceof List<?> list) {
				List<@Nullable Object> copy = new ArrayList<>(list.size());
				list.forEach((item) -> copy.add(value(item)));
				return Collections.unmodifiableList(copy);
			}
			return value;
		}

	}

}
