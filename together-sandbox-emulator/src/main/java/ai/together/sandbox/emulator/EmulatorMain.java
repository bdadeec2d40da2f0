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
		System.out.println("Together Sandbox emulator listening on " + emulator.baseUrl());
		if (emulator.apiKeyGenerated()) {
			System.out.println("API key (generated): " + emulator.apiKey());
			System.out.println("  export TOGETHER_BASE_URL=" + emulator.baseUrl() + " TOGETHER_API_KEY="
					+ emulator.apiKey());
		}
		else {
			System.out.println("API key: as given with --api-key");
			System.out.println("  export TOGETHER_BASE_URL=" + emulator.baseUrl());
		}
		System.out.println("Data directory: " + emulator.dataDirectory());
		stopped.await();
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
		out.println("  --bind      address to listen on (default 127.0.0.1)");
		out.println("  --api-key   management API key (default: random, printed)");
		out.println("  --data-dir  keep sandboxes here across restarts (default: temporary)");
	}

}
