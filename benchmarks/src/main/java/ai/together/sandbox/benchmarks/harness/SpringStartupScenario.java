package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ai.together.sandbox.benchmarks.spring.StartupApplication;

/**
 * Target 6, Spring Boot: the startup of {@link StartupApplication} in fresh JVMs with the
 * starter's auto-configurations and without them (same classpath), alternating, for two
 * applications: a minimal one (nothing else loads Reactor, Netty or WebClient) and one that
 * builds its own {@code WebClient} at startup (the HTTP stack is loaded either way). Also counts
 * the connections the client opened at startup: its base URL points at a listening socket on
 * 127.0.0.1 that counts every connection it accepts, and the count must stay zero.
 * <p>
 * Two starts of the same application in the same JVM configuration differ by about 7 % (some
 * 100 ms here) from one start to the next, more than the goal itself, and the difference does
 * not follow the machine from one start to the next (two starts side by side differ as much as
 * two in turn), so only the number of starts narrows it. Each round is therefore a block of
 * pairs, and its figure is the median of the block's differences; the target is judged on the
 * spread of these medians. The judged JVMs run with the C1 compiler only and the serial
 * collector ({@link #JUDGED_JVM}): the C2 compiler's and G1's threads, which share the two
 * cores with the main thread, are what makes a start's time move most (twice as much with the
 * JVM's defaults). Their first metadata collection is moved from 21 MB of metaspace to 64 MB:
 * the minimal application uses just under 21 MB without the starter and just over it with,
 * under these options, so that one start of each pair would pay a full collection (38 to 55 ms)
 * that the same application pays in both modes as soon as its own classes take about 0.25 MB more
 * (the starter's 110 classes take 0.5 MB), and pays in both modes with the JVM's defaults. The same pairs with the JVM's
 * defaults are measured too and reported beside them.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SpringStartupScenario {

	/** The options of the JVMs whose startup is judged. */
	public static final List<String> JUDGED_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-XX:MetaspaceSize=64m");

	/** The options of the JVMs measured with the JVM's defaults, reported only. */
	public static final List<String> DEFAULT_JVM = List.of("-Xmx256m");

	/**
	 * What to run.
	 *
	 * @param rounds rounds per application, each judged on the median of its pairs
	 * @param pairsPerRound pairs of fresh JVMs (one with, one without the starter) per round
	 * @param defaultJvmPairs pairs per application with the JVM's default options (reported
	 * only; 0 for none)
	 * @param warmup whether one pair per application runs first, unmeasured (it fills the OS
	 * file cache)
	 */
	public record Settings(int rounds, int pairsPerRound, int defaultJvmPairs, boolean warmup) {

		public Settings {
			if (rounds < 1 || pairsPerRound < 1 || defaultJvmPairs < 0) {
				throw new IllegalArgumentException("rounds and pairsPerRound must be at least 1, defaultJvmPairs at least 0");
			}
		}

	}

	/**
	 * The startup of one application with and without the starter.
	 *
	 * @param withMillis {@code SpringApplication.run} with the starter, median, ms
	 * @param withoutMillis the same without it
	 * @param clientBeanMillis the creation of the client beans, median, ms
	 * @param extraClasses classes loaded with the starter beyond those loaded without
	 * @param wallDelta whole-process wall time with minus without the starter: the median of
	 * each round's pairs, ms
	 * @param cpuDelta whole-process CPU time with minus without the starter: the median of each
	 * round's pairs, ms
	 */
	public record Startup(double withMillis, double withoutMillis, double clientBeanMillis, double extraClasses,
			Figure wallDelta, Figure cpuDelta) {

		/**
		 * Returns what the starter adds.
		 * @return the difference of the medians
		 */
		public double deltaMillis() {
			return this.withMillis - this.withoutMillis;
		}

	}

	/**
	 * The measured outcome.
	 *
	 * @param minimal the application that uses nothing else
	 * @param withWebClient the application that builds its own WebClient
	 * @param connections connections accepted by the counting socket during all runs
	 */
	public record Result(Startup minimal, Startup withWebClient, long connections) {
	}

	private SpringStartupScenario() {
	}

	/**
	 * Runs the scenario.
	 * @param settings what to run
	 * @param section where the figures go
	 * @return the outcome
	 */
	public static Result run(Settings settings, Report.Section section) {
		try (CountingSocket counter = new CountingSocket()) {
			section.row("setup", settings.rounds() + " rounds of " + settings.pairsPerRound()
					+ " pairs of fresh JVMs (with, without the starter) per application"
					+ (settings.warmup() ? " after one warm-up pair" : "") + ", the order alternating; "
					+ "judged JVMs: " + String.join(" ", JUDGED_JVM) + "; WebApplicationType.NONE; "
					+ "same classpath, the starter's auto-configurations excluded for 'without'");
			Startup minimal = measure(settings, section, counter.baseUrl(), false, "minimal application");
			Startup withWebClient = measure(settings, section, counter.baseUrl(), true,
					"application that builds its own WebClient");
			long connections = counter.accepted();
			section.row("connections to the client's base URL during all startups", Long.toString(connections));
			return new Result(minimal, withWebClient, connections);
		}
	}

	private static Startup measure(Settings settings, Report.Section section, String baseUrl, boolean webClient,
			String label) {
		if (settings.warmup()) {
			pair(JUDGED_JVM, baseUrl, webClient, 0);
		}
		List<Pair> pairs = new ArrayList<>();
		for (int round = 0; round < settings.rounds(); round++) {
			for (int i = 0; i < settings.pairsPerRound(); i++) {
				pairs.add(pair(JUDGED_JVM, baseUrl, webClient, i));
			}
		}
		List<Double> wallRounds = roundMedians(pairs, settings.pairsPerRound(), Pair::wallDelta);
		List<Double> cpuRounds = roundMedians(pairs, settings.pairsPerRound(), Pair::cpuDelta);
		double classesWith = median(pairs, (pair) -> pair.with().classes());
		double classesWithout = median(pairs, (pair) -> pair.without().classes());
		Startup startup = new Startup(median(pairs, (pair) -> pair.with().runMillis()),
				median(pairs, (pair) -> pair.without().runMillis()), median(pairs, (pair) -> pair.with().clientBeanMillis()),
				classesWith - classesWithout, Figure.of(wallRounds), Figure.of(cpuRounds));
		section.row(label + ": whole-process wall time with / without the starter",
				String.format("median %.0f ms / %.0f ms", median(pairs, (pair) -> pair.with().wallMillis()),
						median(pairs, (pair) -> pair.without().wallMillis())));
		section.row(label + ": whole-process wall time, with minus without, median of each round's pairs",
				startup.wallDelta().format("%+.0f ms"));
		section.row(label + ": whole-process CPU time with / without the starter",
				String.format("median %.0f ms / %.0f ms", median(pairs, (pair) -> pair.with().cpuMillis()),
						median(pairs, (pair) -> pair.without().cpuMillis())));
		section.row(label + ": whole-process CPU time, with minus without, median of each round's pairs",
				startup.cpuDelta().format("%+.0f ms"));
		section.row(label + ": single pairs, wall / CPU time with minus without (reported only: one pair's noise is "
				+ "larger than the goal)", wallAndCpu(pairs));
		section.row(label + ": main thread's CPU time, with minus without, median of each round's pairs (reported only: "
				+ "the JIT compiler and GC threads left out)",
				Figure.of(roundMedians(pairs, settings.pairsPerRound(), Pair::mainCpuDelta)).format("%+.0f ms"));
		section.row(label + ": SpringApplication.run with / without the starter",
				String.format("median %.0f ms / %.0f ms", startup.withMillis(), startup.withoutMillis()));
		section.row(label + ": difference of the medians", String.format("%+.0f ms", startup.deltaMillis()));
		section.row(label + ": creating the client beans (BufferingApplicationStartup)",
				String.format("median %.0f ms", startup.clientBeanMillis()));
		section.row(label + ": classes loaded at context ready, with / without",
				String.format("%.0f / %.0f (%+.0f)", classesWith, classesWithout, startup.extraClasses()));
		if (settings.defaultJvmPairs() > 0) {
			List<Pair> defaults = new ArrayList<>();
			for (int i = 0; i < settings.defaultJvmPairs(); i++) {
				defaults.add(pair(DEFAULT_JVM, baseUrl, webClient, i));
			}
			section.row(label + ": with the JVM's default options (" + String.join(" ", DEFAULT_JVM)
					+ "), wall / CPU time with minus without, over " + defaults.size() + " pairs (reported only)",
					wallAndCpu(defaults));
		}
		return startup;
	}

	/** The median of each round's pairs: the pairs in the order they ran, a round after another. */
	private static List<Double> roundMedians(List<Pair> pairs, int pairsPerRound, Function<Pair, Double> figure) {
		List<Double> medians = new ArrayList<>();
		for (int from = 0; from < pairs.size(); from += pairsPerRound) {
			medians.add(median(pairs.subList(from, from + pairsPerRound), figure));
		}
		return medians;
	}

	private static double median(List<Pair> pairs, Function<Pair, Double> figure) {
		return Stats.median(pairs.stream().map(figure).toList());
	}

	/** The spread of single pairs' wall and CPU time differences. */
	private static String wallAndCpu(List<Pair> pairs) {
		return Figure.of(pairs.stream().map(Pair::wallDelta).toList()).format("%+.0f ms") + " / "
				+ Figure.of(pairs.stream().map(Pair::cpuDelta).toList()).format("%+.0f ms");
	}

	/**
	 * Starts the application once with and once without the starter; which goes first
	 * alternates with {@code index}, so that neither always runs on a warmer machine.
	 */
	private static Pair pair(List<String> jvmOptions, String baseUrl, boolean webClient, int index) {
		if (index % 2 == 0) {
			Start with = start(jvmOptions, "with", baseUrl, webClient);
			return new Pair(with, start(jvmOptions, "without", baseUrl, webClient));
		}
		Start without = start(jvmOptions, "without", baseUrl, webClient);
		return new Pair(start(jvmOptions, "with", baseUrl, webClient), without);
	}

	private static Start start(List<String> jvmOptions, String mode, String baseUrl, boolean webClient) {
		List<String> arguments = new ArrayList<>(List.of(mode, baseUrl));
		if (webClient) {
			arguments.add("--webclient");
		}
		try {
			ChildJvm.Outcome outcome = ChildJvm.run(jvmOptions, StartupApplication.class, arguments, Duration.ofMinutes(2));
			if (!outcome.succeeded()) {
				throw new IllegalStateException("the " + mode + " application failed:\n" + String.join("\n", outcome.tail(40)));
			}
			return new Start(outcome.wallNanos() / 1e6, Long.parseLong(outcome.get("cpuMicros")) / 1000.0,
					Long.parseLong(outcome.get("mainCpuMicros")) / 1000.0, Long.parseLong(outcome.get("runMicros")) / 1000.0,
					Double.parseDouble(outcome.get("classes")),
					mode.equals("with") ? Long.parseLong(outcome.get("clientBeanMicros")) / 1000.0 : 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One fresh JVM's figures, in milliseconds. */
	private record Start(double wallMillis, double cpuMillis, double mainCpuMillis, double runMillis, double classes,
			double clientBeanMillis) {
	}

	/** A start with the starter and one without. */
	private record Pair(Start with, Start without) {

		double wallDelta() {
			return this.with.wallMillis() - this.without.wallMillis();
		}

		double cpuDelta() {
			return this.with.cpuMillis() - this.without.cpuMillis();
		}

		double mainCpuDelta() {
			return this.with.mainCpuMillis() - this.without.mainCpuMillis();
		}

	}

}
