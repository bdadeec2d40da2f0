package ai.together.sandbox.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import ai.together.sandbox.ClientBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.SimpleErrors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the Together Sandbox client ({@code together.sandbox.*}).
 * <p>
 * They check themselves once they are bound, with the rules of the client, so that an invalid
 * value fails the startup with Spring Boot's report naming the property, its value, its origin
 * and the rule, rather than deep in bean creation or at the first request. No Bean Validation
 * provider is needed, and none is forced on applications.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@ConfigurationProperties(TogetherSandboxProperties.CONFIG_PREFIX)
public class TogetherSandboxProperties implements InitializingBean {

	/** The prefix of the client's properties. */
	public static final String CONFIG_PREFIX = "together.sandbox";

	/**
	 * Whether to auto-configure the Together Sandbox client.
	 */
	private boolean enabled = true;

	/**
	 * API key of the management API. When not set, blank or an unresolved placeholder (such as
	 * "${TOGETHER_API_KEY}" with the variable unset), the TOGETHER_API_KEY environment variable
	 * is used; when neither is set, the embedded emulator starts if it is on the classpath (see
	 * "together.sandbox.emulator.mode").
	 */
	private @Nullable String apiKey;

	/**
	 * Origin of the management API, an absolute http or https URL; a trailing "/api/v1" is
	 * removed. When not set, the TOGETHER_BASE_URL environment variable or the default origin
	 * of the API generation is used: https://api.codesandbox.io for "seed",
	 * https://api.bartender.codesandbox.io for "current".
	 */
	private @Nullable String baseUrl;

	/**
	 * API generation the starter targets: "seed" (the 1.8.0 API under /api/v1, this SDK's
	 * contract) or "current" (today's API under /v1). It selects the default origin and the
	 * calls of the health check; both generations stay usable through the client,
	 * sdk.sandboxes() and sdk.current().
	 */
	private ApiGeneration apiGeneration = ApiGeneration.SEED;

	/**
	 * Connect timeout of the client's own connection pool. Does not apply when the application
	 * provides a WebClient.Builder with a connector; its spring.http.clients settings apply then.
	 * A value without a unit is in seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Maximum number of connections to one host (the management API, or one sandbox agent) of
	 * the client's own connection pool. Does not apply when the application provides a
	 * WebClient.Builder with a connector. At least 1.
	 */
	private int maxConnections = 500;

	/**
	 * Maximum number of open connections of the client's own connection pool, all hosts
	 * together (each sandbox agent is its own host). A call that needs a new connection when all
	 * are open closes an idle one of any host first, or waits at most the connect timeout. When
	 * not set, the larger of 800 and max-connections. Does not apply when the application
	 * provides a WebClient.Builder with a connector. At least 1.
	 */
	private @Nullable Integer maxConnectionsTotal;

	/**
	 * Response timeout of each attempt of a non-streaming call. Streams have none. A value
	 * without a unit is in seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration responseTimeout = Duration.ofSeconds(60);

	/**
	 * Response timeout of each attempt of the wait call that start, hibernate and shutdown make,
	 * which returns only once the sandbox has settled. A value without a unit is in seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration lifecycleTimeout = Duration.ofMinutes(5);

	/**
	 * Idle timeout of the streams of sandbox agents: a stream that receives nothing, not even a
	 * keep-alive comment, for this long is closed. An exec output stream then reconnects and
	 * resumes; the other streams fail. A value without a unit is in seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration streamIdleTimeout = Duration.ofMinutes(5);

	private final Retry retry = new Retry();

	private final Defaults defaults = new Defaults();

	private final Health health = new Health();

	private final Emulator emulator = new Emulator();

	// Where these properties were bound from, to bind them again when a value is invalid; not a
	// property (no accessors).
	private @Nullable Environment environment;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public ApiGeneration getApiGeneration() {
		return this.apiGeneration;
	}

	public void setApiGeneration(ApiGeneration apiGeneration) {
		this.apiGeneration = apiGeneration;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable Integer getMaxConnectionsTotal() {
		return this.maxConnectionsTotal;
	}

	public void setMaxConnectionsTotal(@Nullable Integer maxConnectionsTotal) {
		this.maxConnectionsTotal = maxConnectionsTotal;
	}

	public Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public Duration getLifecycleTimeout() {
		return this.lifecycleTimeout;
	}

	public void setLifecycleTimeout(Duration lifecycleTimeout) {
		this.lifecycleTimeout = lifecycleTimeout;
	}

	public Duration getStreamIdleTimeout() {
		return this.streamIdleTimeout;
	}

	public void setStreamIdleTimeout(Duration streamIdleTimeout) {
		this.streamIdleTimeout = streamIdleTimeout;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Health getHealth() {
		return this.health;
	}

	public Emulator getEmulator() {
		return this.emulator;
	}

	@Autowired(required = false)
	void bindingEnvironment(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Checks the bound values with the rules of the client ({@code ClientBuilder},
	 * {@code RetryConfig}, {@code CreateSandboxRequest}); when one is invalid, fails with Spring
	 * Boot's {@link BindValidationException}, whose startup report names each invalid property,
	 * its value, its origin and the rule.
	 * @throws BindException when a value is invalid
	 * @throws IllegalStateException when a value is invalid that binding again does not find
	 * (set by code after binding)
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.environment == null || firstError() == null) {
			return;
		}
		// Bound again, validated this time: Boot's validating handler tracks each value's origin
		// for the report. Validating every binding with it instead cost each startup some 20
		// classes and a binding result per group, for values that are nearly always valid.
		Binder.get(this.environment)
			.bind(CONFIG_PREFIX, Bindable.ofInstance(new TogetherSandboxProperties()), new ValidationBindHandler(new Rules()));
		throw new IllegalStateException("Invalid " + CONFIG_PREFIX + " properties, not bound from the environment: "
				+ firstError());
	}

	/** The first invalid value, as {@code path message}, or {@code null} when all are valid. */
	private @Nullable String firstError() {
		Object[] groups = { this, this.retry, this.defaults, this.health, this.emulator };
		String[] paths = { "", "retry.", "defaults.", "health.", "emulator." };
		for (int i = 0; i < groups.length; i++) {
			SimpleErrors errors = new SimpleErrors(groups[i]);
			check(groups[i], errors);
			FieldError error = errors.getFieldError();
			if (error != null) {
				return paths[i] + error.getField() + " " + error.getDefaultMessage();
			}
		}
		return null;
	}

	/**
	 * Checks the values of these properties or of one of their groups, each group on its own, so
	 * that every error is reported against its own property and origin.
	 * @param target these properties or one of their groups
	 * @param errors where each invalid value is reported
	 */
	private static void check(Object target, Errors errors) {
		if (target instanceof TogetherSandboxProperties properties) {
			String baseUrl = properties.getBaseUrl();
			if (baseUrl != null && !baseUrl.isBlank() && !isHttpUrl(baseUrl.trim())) {
				errors.rejectValue("baseUrl", "url", "must be an absolute http or https URL without query or"
						+ " fragment, such as https://api.codesandbox.io");
			}
			positive(errors, "connectTimeout", properties.getConnectTimeout());
			if (properties.getMaxConnections() < 1) {
				errors.rejectValue("maxConnections", "min", "must be at least 1");
			}
			Integer total = properties.getMaxConnectionsTotal();
			if (total != null && total < 1) {
				errors.rejectValue("maxConnectionsTotal", "min", "must be at least 1");
			}
			positive(errors, "responseTimeout", properties.getResponseTimeout());
			positive(errors, "lifecycleTimeout", properties.getLifecycleTimeout());
			positive(errors, "streamIdleTimeout", properties.getStreamIdleTimeout());
		}
		else if (target instanceof Retry retry) {
			if (retry.getMaxAttempts() < 1) {
				errors.rejectValue("maxAttempts", "min", "must be at least 1 (1 disables retries)");
			}
			notNegative(errors, "initialDelay", retry.getInitialDelay());
			notNegative(errors, "jitter", retry.getJitter());
			notNegative(errors, "maxDelay", retry.getMaxDelay());
			if (!(retry.getMultiplier() >= 1.0) || Double.isInfinite(retry.getMultiplier())) {
				errors.rejectValue("multiplier", "min", "must be a finite number of at least 1");
			}
			List<String> invalid = new ArrayList<>();
			for (Integer status : retry.getStatuses()) {
				if (status == null || status < 400 || status > 599) {
					invalid.add(String.valueOf(status));
				}
			}
			if (!invalid.isEmpty()) {
				errors.rejectValue("statuses", "status",
						"must hold HTTP error statuses (400-599), had " + String.join(", ", invalid));
			}
		}
		else if (target instanceof Defaults defaults) {
			if (defaults.getMillicpu() < 250 || defaults.getMillicpu() % 250 != 0) {
				errors.rejectValue("millicpu", "millicpu", "must be at least 250 and a multiple of 250");
			}
			positive(errors, "memory", defaults.getMemory());
			positive(errors, "disk", defaults.getDisk());
		}
		else if (target instanceof Health health) {
			positive(errors, "timeout", health.getTimeout());
		}
		else if (target instanceof Emulator emulator) {
			if (emulator.getPort() < 0 || emulator.getPort() > 65535) {
				errors.rejectValue("port", "port", "must be between 0 and 65535 (0 picks a free port)");
			}
			List<String> invalid = new ArrayList<>();
			for (String alias : emulator.getSnapshotAliases()) {
				if (!isSnapshotAlias(alias)) {
					invalid.add("'" + alias + "'");
				}
			}
			if (!invalid.isEmpty()) {
				errors.rejectValue("snapshotAliases", "snapshotAlias",
						"must hold aliases of the form namespace@alias (no whitespace, '/' or second '@'), had "
								+ String.join(", ", invalid));
			}
		}
	}

	/**
	 * The rules as a {@link Validator} for Boot's validating bind handler.
	 */
	private static final class Rules implements Validator {

		@Override
		public boolean supports(Class<?> type) {
			return type == TogetherSandboxProperties.class || type == Retry.class || type == Defaults.class
					|| type == Health.class || type == Emulator.class;
		}

		@Override
		public void validate(Object target, Errors errors) {
			check(target, errors);
		}

	}

	/**
	 * The rule of {@code EmulatorOptions.isValidSnapshotAlias}, kept here because the emulator is
	 * optional on the classpath.
	 */
	private static boolean isSnapshotAlias(@Nullable String alias) {
		return alias != null && !alias.isBlank() && SnapshotAlias.PATTERN.matcher(alias).matches();
	}

	/**
	 * The pattern of a snapshot alias, compiled when an alias is first checked rather than with
	 * these properties at every startup.
	 */
	private static final class SnapshotAlias {

		static final java.util.regex.Pattern PATTERN = java.util.regex.Pattern
			.compile("[^\\s\\p{Cntrl}@/]+@[^\\s\\p{Cntrl}@/]+");

	}

	private static boolean isHttpUrl(String url) {
		try {
			URI uri = new URI(url);
			String scheme = uri.getScheme();
			return uri.getHost() != null && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
					&& uri.getQuery() == null && uri.getFragment() == null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static void positive(Errors errors, String field, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(field, "positive", "must be positive");
		}
	}

	private static void notNegative(Errors errors, String field, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, "notNegative", "must not be negative");
		}
	}

	private static void positive(Errors errors, String field, @Nullable DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			errors.rejectValue(field, "positive", "must be positive");
		}
	}

	@Override
	public String toString() {
		// The API key is a secret: never print it.
		return "TogetherSandboxProperties[baseUrl=" + this.baseUrl + ", apiKey="
				+ ((this.apiKey != null) ? "******" : null) + "]";
	}

	/**
	 * Retry settings: the defaults of the client's {@code RetryConfig}.
	 */
	public static class Retry {

		/**
		 * Maximum number of attempts of each call, the first included; 1 disables retries.
		 */
		private int maxAttempts = 3;

		/**
		 * Delay before the second attempt, before jitter. A value without a unit is in
		 * milliseconds.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration initialDelay = Duration.ofMillis(500);

		/**
		 * Factor applied to the delay after each failed attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Upper bound of the random delay added to each backoff delay. A value without a unit is
		 * in milliseconds.
		 */
		@DurationUnit(ChronoUnit.MILLIS)
		private Duration jitter = Duration.ofMillis(250);

		/**
		 * Upper bound of each delay, including one asked for by a Retry-After header. A value
		 * without a unit is in seconds.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxDelay = Duration.ofSeconds(30);

		/**
		 * Comma-separated list of HTTP statuses that are retried.
		 */
		private List<Integer> statuses = new ArrayList<>(List.of(408, 429, 500, 502, 503, 504));

		/**
		 * Whether to retry failures that received no HTTP response (connection refused, timeout,
		 * reset).
		 */
		private boolean transportErrors = true;

		/**
		 * Comma-separated list of operations that are never retried, for example
		 * "snapshots.create".
		 */
		private List<String> excludedOperations = new ArrayList<>();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public List<Integer> getStatuses() {
			return this.statuses;
		}

		public void setStatuses(List<Integer> statuses) {
			this.statuses = statuses;
		}

		public boolean isTransportErrors() {
			return this.transportErrors;
		}

		public void setTransportErrors(boolean transportErrors) {
			this.transportErrors = transportErrors;
		}

		public List<String> getExcludedOperations() {
			return this.excludedOperations;
		}

		public void setExcludedOperations(List<String> excludedOperations) {
			this.excludedOperations = excludedOperations;
		}

	}

	/**
	 * Defaults of the sandboxes the application creates, applied by the
	 * {@code CreateSandboxRequest.Builder} bean.
	 */
	public static class Defaults {

		/**
		 * Alias of the snapshot that new sandboxes are created from, for example "my-app@v1".
		 */
		private @Nullable String snapshotAlias;

		/**
		 * CPU of new sandboxes in millicpu: at least 250 and a multiple of 250.
		 */
		private int millicpu = 1000;

		/**
		 * Memory of new sandboxes.
		 */
		private DataSize memory = DataSize.ofGigabytes(2);

		/**
		 * Disk of new sandboxes.
		 */
		private DataSize disk = DataSize.ofGigabytes(10);

		/**
		 * Whether new sandboxes are ephemeral. When not set, the server decides.
		 */
		private @Nullable Boolean ephemeral;

		public @Nullable String getSnapshotAlias() {
			return this.snapshotAlias;
		}

		public void setSnapshotAlias(@Nullable String snapshotAlias) {
			this.snapshotAlias = snapshotAlias;
		}

		public int getMillicpu() {
			return this.millicpu;
		}

		public void setMillicpu(int millicpu) {
			this.millicpu = millicpu;
		}

		public DataSize getMemory() {
			return this.memory;
		}

		public void setMemory(DataSize memory) {
			this.memory = memory;
		}

		public DataSize getDisk() {
			return this.disk;
		}

		public void setDisk(DataSize disk) {
			this.disk = disk;
		}

		public @Nullable Boolean getEphemeral() {
			return this.ephemeral;
		}

		public void setEphemeral(@Nullable Boolean ephemeral) {
			this.ephemeral = ephemeral;
		}

	}

	/**
	 * Health check settings. The check itself is switched with
	 * {@code management.health.together-sandbox.enabled}.
	 */
	public static class Health {

		/**
		 * Timeout of each call the health check makes. The check never retries. A value without
		 * a unit is in seconds.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration timeout = Duration.ofSeconds(3);

		/**
		 * Comma-separated list of ids of sandboxes whose status and agent reachability the health
		 * check reports. A sandbox that is not running is never started or woken up.
		 */
		private List<String> sandboxes = new ArrayList<>();

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public List<String> getSandboxes() {
			return this.sandboxes;
		}

		public void setSandboxes(List<String> sandboxes) {
			this.sandboxes = sandboxes;
		}

	}

	/**
	 * Embedded emulator settings.
	 */
	public static class Emulator {

		/**
		 * When the embedded emulator starts (together-sandbox-emulator on the classpath): "always"
		 * (whatever API key is configured, for tests that must never reach Together Sandbox),
		 * "when-no-key" (when neither together.sandbox.api-key nor TOGETHER_API_KEY is set) or
		 * "never".
		 */
		private Mode mode = Mode.WHEN_NO_KEY;

		/**
		 * Whether the embedded emulator may start; false is "mode=never".
		 */
		private boolean enabled = true;

		/**
		 * Port of the embedded emulator on 127.0.0.1; 0 picks a free port.
		 */
		private int port = 0;

		/**
		 * Directory that keeps the embedded emulator's sandboxes across restarts. When not set,
		 * a temporary directory is used and deleted on shutdown.
		 */
		private @Nullable Path dataDir;

		/**
		 * Comma-separated list of snapshot aliases ("namespace@alias", for example "my-app@v1")
		 * that the embedded emulator registers at startup, each with a snapshot of its own, so
		 * that sandboxes can be created from them straight away. An alias that already exists in
		 * the data directory is kept.
		 */
		private List<String> snapshotAliases = new ArrayList<>();

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		/**
		 * Returns whether the embedded emulator may start.
		 * @return whether it may start
		 * @deprecated since 0.1.0 in favour of {@link #getMode()} ({@code never})
		 */
		@Deprecated(since = "0.1.0")
		@DeprecatedConfigurationProperty(replacement = "together.sandbox.emulator.mode", since = "0.1.0",
				reason = "Replaced by the emulator mode: false is 'never'.")
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets whether the embedded emulator may start.
		 * @param enabled whether it may start
		 * @deprecated since 0.1.0 in favour of {@link #setMode(Mode)} ({@code never})
		 */
		@Deprecated(since = "0.1.0")
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Returns the mode in effect: {@link #getMode()}, except that the deprecated
		 * {@code enabled=false} turns the default {@code when-no-key} into {@code never}.
		 * @return the mode
		 */
		Mode effectiveMode() {
			return effectiveMode(this.mode, this.enabled);
		}

		/**
		 * Returns the mode in effect for a mode and the deprecated {@code enabled} switch:
		 * {@code enabled=false} turns {@code when-no-key} into {@code never}.
		 * @param mode the mode
		 * @param enabled the deprecated switch
		 * @return the mode
		 */
		static Mode effectiveMode(Mode mode, boolean enabled) {
			return (!enabled && mode == Mode.WHEN_NO_KEY) ? Mode.NEVER : mode;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable Path getDataDir() {
			return this.dataDir;
		}

		public void setDataDir(@Nullable Path dataDir) {
			this.dataDir = dataDir;
		}

		public List<String> getSnapshotAliases() {
			return this.snapshotAliases;
		}

		public void setSnapshotAliases(List<String> snapshotAliases) {
			this.snapshotAliases = snapshotAliases;
		}

		/**
		 * When the embedded emulator starts.
		 */
		public enum Mode {

			/**
			 * Always, whatever API key is configured (which is then ignored).
			 */
			ALWAYS,

			/**
			 * When neither {@code together.sandbox.api-key} nor {@code TOGETHER_API_KEY} is set
			 * (blank values and unresolved placeholders count as not set).
			 */
			WHEN_NO_KEY,

			/**
			 * Never: without an API key, startup fails.
			 */
			NEVER

		}

	}


	/**
	 * The generation of the Together Sandbox API the starter targets.
	 */
	public enum ApiGeneration {

		/**
		 * The generation of upstream release 1.8.0: management API under {@code /api/v1},
		 * {@code sdk.sandboxes()} and {@code sdk.snapshots()}.
		 */
		SEED(ClientBuilder.DEFAULT_BASE_URL),

		/**
		 * The generation upstream serves today: management API under {@code /v1},
		 * {@code sdk.current()}.
		 */
		CURRENT("https://api.bartender.codesandbox.io");

		private final String defaultBaseUrl;

		ApiGeneration(String defaultBaseUrl) {
			this.defaultBaseUrl = defaultBaseUrl;
		}

		/**
		 * Returns the origin used when neither {@code together.sandbox.base-url} nor
		 * {@code TOGETHER_BASE_URL} is set.
		 * @return the default origin of this generation
		 */
		public String defaultBaseUrl() {
			return this.defaultBaseUrl;
		}

		/**
		 * Returns the path of the management API below the origin.
		 * @return {@code /api/v1} or {@code /v1}
		 */
		public String managementPath() {
			return (this == SEED) ? "/api/v1" : "/v1";
		}

	}

}
