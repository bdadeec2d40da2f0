package ai.together.sandbox.emulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command line entry point: {@code java -jar together-sandbox-emulator-<version>-all.jar [options]}.
 *
 * <p>Options: {@code --port <n>} (default 0: a free port), {@code --bind <address>} (default
 * 127.0.0.1), {@code --api-key <key>} (default: random, printed), {@code --data-dir <dir>} (default:
 * a temporary directory deleted on exit), {@code --snapshot-alias <namespace@alias>} (repeatable or
 * comma-separated: snapshots and aliases registered at startup), {@code --request-head-timeout
 * <duration>} (default 10s), {@code --idle-timeout <duration>} (default 60s), {@code --isolation
 * auto|namespaces|none} (default auto: see {@link EmulatorOptions.Isolation}), {@code --max-upload
 * <size>} (default 256MiB: the largest upload or build context), {@code --max-file <size>} (default
 * 1GiB: the largest file read or written), {@code --max-exec-output <size>} (default 4MiB: the most
 * output kept per exec), {@code --max-total-exec-output <size>} (default 256MiB: over all execs),
 * {@code --help}. Durations are a number and a unit ({@code 500ms}, {@code 10s}, {@code 2m},
 * {@code 1h}) or ISO-8601 ({@code PT10S}); sizes are a number of bytes with an optional binary unit
 * ({@code 64KiB}, {@code 4MiB}, {@code 1GiB}; also {@code k}, {@code m}, {@code g}).
 */
public final class EmulatorMain {

	private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

	private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(?:(b)|([kmg])(?:i?b)?)?", Pattern.CASE_INSENSITIVE);

	private EmulatorMain() {
	}

	/**
	 * Starts an emulator and runs until the process is stopped.
	 * @param args the command line options
	 * @throws InterruptedException if interrupted while running
	 */
	public static void main(String[] args) throws InterruptedException {
		EmulatorOptions options;
		try {
			options = parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("error: " + ex.getMessage());
			usage(System.err);
			System.exit(2);
			return;
		}
		if (options == null) {
			usage(System.out);
			return;
		}
		SandboxEmulator emulator = SandboxEmulator.start(options);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			emulator.close();
			stopped.countDown();
		}, "sandbox-emulator-shutdown"));
		banner(emulator, options).forEach(System.out::println);
		stopped.await();
	}

	/**
	 * Returns the lines printed when the emulator has started.
	 * @param emulator the running emulator
	 * @param options the options it was started with
	 * @return the banner lines
	 */
	static java.util.List<String> banner(SandboxEmulator emulator, EmulatorOptions options) {
		java.util.List<String> lines = new java.util.ArrayList<>();
		String warning = emulator.networkWarning();
		if (warning == null) {
			lines.add("Together Sandbox emulator listening on " + emulator.baseUrl());
		}
		else {
			lines.add("Together Sandbox emulator listening on " + emulator.listenDescription() + "; from this machine: "
					+ emulator.baseUrl());
			lines.add(warning);
		}
		if (emulator.apiKeyGenerated()) {
			lines.add("API key (generated): " + emulator.apiKey());
			lines.add("  export TOGETHER_BASE_URL=" + emulator.baseUrl() + " TOGETHER_API_KEY=" + emulator.apiKey());
		}
		else {
			lines.add("API key: as given with --api-key");
			lines.add("  export TOGETHER_BASE_URL=" + emulator.baseUrl());
		}
		lines.add("Data directory: " + emulator.dataDirectory());
		lines.add("Exec isolation: " + emulator.isolation().name().toLowerCase(Locale.ROOT));
		return lines;
	}

	static @org.jspecify.annotations.Nullable EmulatorOptions parse(String[] args) {
		EmulatorOptions.Builder builder = EmulatorOptions.builder();
		List<String> aliases = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String value = null;
			int eq = arg.indexOf('=');
			if (arg.startsWith("--") && eq > 0) {
				value = arg.substring(eq + 1);
				arg = arg.substring(0, eq);
			}
			switch (arg) {
				case "--help", "-h" -> {
					return null;
				}
				case "--port" -> {
					String port = value != null ? value : next(args, ++i, arg);
					try {
						builder.port(Integer.parseInt(port));
					}
					catch (NumberFormatException ex) {
						throw new IllegalArgumentException("--port needs a number, got " + port);
					}
				}
				case "--bind" -> builder.bindAddress(value != null ? value : next(args, ++i, arg));
				case "--api-key" -> builder.apiKey(value != null ? value : next(args, ++i, arg));
				case "--data-dir" -> builder.dataDirectory(Path.of(value != null ? value : next(args, ++i, arg)));
				case "--snapshot-alias" -> {
					for (String alias : (value != null ? value : next(args, ++i, arg)).split(",", -1)) {
						String trimmed = alias.trim();
						if (!EmulatorOptions.isValidSnapshotAlias(trimmed)) {
							throw new IllegalArgumentException(
									"--snapshot-alias needs namespace@alias, got '" + trimmed + "'");
						}
						aliases.add(trimmed);
					}
				}
				case "--request-head-timeout" -> builder
					.requestHeadTimeout(duration(arg, value != null ? value : next(args, ++i, arg)));
				case "--idle-timeout" -> builder.idleTimeout(duration(arg, value != null ? value : next(args, ++i, arg)));
				case "--isolation" -> {
					String isolation = value != null ? value : next(args, ++i, arg);
					try {
						builder.isolation(EmulatorOptions.Isolation.valueOf(isolation.trim().toUpperCase(Locale.ROOT)));
					}
					catch (IllegalArgumentException ex) {
						throw new IllegalArgumentException("--isolation needs auto, namespaces or none, got " + isolation);
					}
				}
				case "--max-upload" -> builder.maxUploadBytes(size(arg, value != null ? value : next(args, ++i, arg)));
				case "--max-file" -> builder.maxFileBytes(size(arg, value != null ? value : next(args, ++i, arg)));
				case "--max-exec-output" -> builder
					.maxExecOutputBytes(size(arg, value != null ? value : next(args, ++i, arg)));
				case "--max-total-exec-output" -> builder
					.maxTotalExecOutputBytes(size(arg, value != null ? value : next(args, ++i, arg)));
				default -> throw new IllegalArgumentException("unknown option " + arg);
			}
		}
		return builder.snapshotAliases(aliases).build();
	}

	static Duration duration(String option, String text) {
		String value = text.trim();
		Duration duration;
		try {
			if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
				duration = Duration.parse(value);
			}
			else {
				Matcher matcher = DURATION.matcher(value);
				if (!matcher.matches()) {
					throw new IllegalArgumentException(
							option + " needs a duration such as 10s, 500ms, 2m or PT10S, got " + text);
				}
				long amount = Long.parseLong(matcher.group(1));
				String unit = matcher.group(2) == null ? "s" : matcher.group(2);
				duration = switch (unit) {
					case "ms" -> Duration.ofMillis(amount);
					case "m" -> Duration.ofMinutes(amount);
					case "h" -> Duration.ofHours(amount);
					default -> Duration.ofSeconds(amount);
				};
			}
		}
		catch (java.time.format.DateTimeParseException | ArithmeticException ex) {
			throw new IllegalArgumentException(
					option + " needs a duration such as 10s, 500ms, 2m or PT10S, got " + text);
		}
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(option + " must be positive, got " + text);
		}
		return duration;
	}

	static long size(String option, String text) {
		Matcher matcher = SIZE.matcher(text.trim());
		String problem = option + " needs a size such as 4096, 64KiB, 4MiB or 1GiB, got " + text;
		if (!matcher.matches()) {
			throw new IllegalArgumentException(problem);
		}
		long amount;
		try {
			amount = Long.parseLong(matcher.group(1));
			if (matcher.group(3) != null) {
				int shift = switch (Character.toLowerCase(matcher.group(3).charAt(0))) {
					case 'k' -> 10;
					case 'm' -> 20;
					default -> 30;
				};
				amount = Math.multiplyExact(amount, 1L << shift);
			}
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw new IllegalArgumentException(problem);
		}
		if (amount < 1) {
			throw new IllegalArgumentException(option + " must be positive, got " + text);
		}
		return amount;
	}

	private static String next(String[] args, int i, String option) {
		if (i >= args.length) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args[i];
	}

	static void usage(PrintStream out) {
		out.println("Usage: java -jar together-sandbox-emulator-all.jar [--port N] [--bind ADDRESS]"
				+ " [--api-key KEY] [--data-dir DIR] [--snapshot-alias NAMESPACE@ALIAS]..."
				+ " [--request-head-timeout DURATION] [--idle-timeout DURATION] [--isolation auto|namespaces|none]"
				+ " [--max-upload SIZE] [--max-file SIZE] [--max-exec-output SIZE] [--max-total-exec-output SIZE]");
		out.println("  --port      port to listen on (default 0: a free port)");
		out.println("  --bind      address to listen on (default 127.0.0.1; any other address exposes the API,"
				+ " which runs commands as you, to the network)");
		out.println("  --api-key   management API key (default: random, printed)");
		out.println("  --data-dir  keep sandboxes here across restarts (default: temporary)");
		out.println("  --snapshot-alias  register a snapshot and this alias at startup, e.g. my-app@v1"
				+ " (repeatable or comma-separated; an existing alias is kept)");
		out.println("  --request-head-timeout  time to send a whole request head (default 10s; e.g. 500ms, 10s, 2m)");
		out.println("  --idle-timeout  close connections idle this long (default 60s)");
		out.println("  --isolation  auto (default): each sandbox's execs in Linux namespaces (bubblewrap) when available,"
				+ " else processes of this machine; namespaces: require them; none: processes of this machine");
		out.println("  --max-upload  largest upload or build context (default 256MiB; e.g. 4096, 64KiB, 4MiB, 1GiB)");
		out.println("  --max-file  largest file read or written through the files API (default 1GiB)");
		out.println("  --max-exec-output  most output kept per exec; older output is dropped (default 4MiB)");
		out.println("  --max-total-exec-output  most output kept over all execs (default 256MiB)");
	}

}
