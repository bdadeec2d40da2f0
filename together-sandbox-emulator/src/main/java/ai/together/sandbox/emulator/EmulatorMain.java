package ai.together.sandbox.emulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry point: {@code java -jar together-sandbox-emulator-<version>-all.jar [options]}.
 *
 * <p>Options: {@code --port <n>} (default 0: a free port), {@code --bind <address>} (default
 * 127.0.0.1), {@code --api-key <key>} (default: random, printed), {@code --data-dir <dir>} (default:
 * a temporary directory deleted on exit), {@code --help}.
 */
public final class EmulatorMain {

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
		return lines;
	}

	static @org.jspecify.annotations.Nullable EmulatorOptions parse(String[] args) {
		EmulatorOptions.Builder builder = EmulatorOptions.builder();
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
				default -> throw new IllegalArgumentException("unknown option " + arg);
			}
		}
		return builder.build();
	}

	private static String next(String[] args, int i, String option) {
		if (i >= args.length) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args[i];
	}

	private static void usage(PrintStream out) {
		out.println("Usage: java -jar together-sandbox-emulator-all.jar [--port N] [--bind ADDRESS]"
				+ " [--api-key KEY] [--data-dir DIR]");
		out.println("  --port      port to listen on (default 0: a free port)");
		out.println("  --bind      address to listen on (default 127.0.0.1; any other address exposes the API,"
				+ " which runs commands as you, to the network)");
		out.println("  --api-key   management API key (default: random, printed)");
		out.println("  --data-dir  keep sandboxes here across restarts (default: temporary)");
	}

}
