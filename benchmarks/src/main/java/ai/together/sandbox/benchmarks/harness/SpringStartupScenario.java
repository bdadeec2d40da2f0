package ai.together.sandbox.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.benchmarks.spring.StartupApplication;

/**
 * Target 6, Spring Boot: the startup of {@link StartupApplication} in fresh JVMs with the
 * starter's auto-configurations and without them (same classpath), alternating, for two
 * applications: a minimal one (nothing else loads Reactor, Netty or WebClient) and one that
 * builds its own {@code WebClient} at startup (the HTTP stack is loaded either way). Also counts
 * the connections the client opened at startup: its base URL points at a listening socket on
 * 127.0.0.1 that counts every connection it accepts, and the count must stay zero.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class SpringStartupScenario {

	/**
	 * What to run.
	 *
	 * @param runs pairs of fresh JVMs (one with, one without the starter) per application
	 * @param warmup whether one pair runs first, unmeasured (it fills the OS file cache)
	 */
	public record Settings(int runs, boolean warmup) {
	}

	/**
	 * The startup of one application with and without the starter, medians in milliseconds.
	 *
	 * @param withMillis {@code SpringApplication.run} with the starter
	 * @param withoutMillis the same without it
	 * @param clientBeanMillis the creation of the client beans
	 * @param extraClasses classes loaded with the starter beyond those loaded without
	 * @param wallDelta whole-process wall time with minus without the starter, per pair, ms
	 * @param cpuDelta whole-process CPU time with minus without the starter, per pair, ms
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
			section.row("setup", settings.runs() + " fresh JVMs per mode and application"
					+ (settings.warmup() ? " after one warm-up pair" : "") + ", alternating; WebApplicationType.NONE; "
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
		Map<String, List<Double>> run = new LinkedHashMap<>();
		Map<String, List<Double>> classes = new LinkedHashMap<>();
		List<Double> clientBean = new ArrayList<>();
		Map<String, List<Double>> wall = new LinkedHashMap<>();
		Map<String, List<Double>> cpu = new LinkedHashMap<>();
		Map<String, List<Double>> mainCpu = new LinkedHashMap<>();
		for (String mode : List.of("with", "without")) {
			run.put(mode, new ArrayList<>());
			classes.put(mode, new ArrayList<>());
			wall.put(mode, new ArrayList<>());
			cpu.put(mode, new ArrayList<>());
			mainCpu.put(mode, new ArrayList<>());
		}
		for (int i = settings.warmup() ? -1 : 0; i < settings.runs(); i++) {
			// Alternate which mode goes first, so that neither always runs on a warmer machine.
			List<String> order = (i % 2 == 0) ? List.of("with", "without") : List.of("without", "with");
			for (String mode : order) {
				ChildJvm.Outcome outcome = start(mode, baseUrl, webClient);
				if (i < 0) {
					continue;
				}
				run.get(mode).add(Long.parseLong(outcome.get("runMicros")) / 1000.0);
				wall.get(mode).add(outcome.wallNanos() / 1e6);
				cpu.get(mode).add(Long.parseLong(outcome.get("cpuMicros")) / 1000.0);
				mainCpu.get(mode).add(Long.parseLong(outcome.get("mainCpuMicros")) / 1000.0);
				classes.get(mode).add(Double.parseDouble(outcome.get("classes")));
				if (mode.equals("with")) {
					clientBean.add(Long.parseLong(outcome.get("clientBeanMicros")) / 1000.0);
				}
			}
		}
		List<Double> wallDeltas = new ArrayList<>();
		List<Double> cpuDeltas = new ArrayList<>();
		List<Double> mainCpuDeltas = new ArrayList<>();
		for (int i = 0; i < settings.runs(); i++) {
			wallDeltas.add(wall.get("with").get(i) - wall.get("without").get(i));
			cpuDeltas.add(cpu.get("with").get(i) - cpu.get("without").get(i));
			mainCpuDeltas.add(mainCpu.get("with").get(i) - mainCpu.get("without").get(i));
		}
		Startup startup = new Startup(Stats.median(run.get("with")), Stats.median(run.get("without")),
				Stats.median(clientBean), Stats.median(classes.get("with")) - Stats.median(classes.get("without")),
				Figure.of(wallDeltas), Figure.of(cpuDeltas));
		section.row(label + ": whole-process wall time with / without the starter",
				String.format("median %.0f ms / %.0f ms", Stats.median(wall.get("with")), Stats.median(wall.get("without"))));
		section.row(label + ": whole-process wall time, with minus without, per pair",
				startup.wallDelta().format("%+.0f ms"));
		section.row(label + ": whole-process CPU time with / without the starter",
				String.format("median %.0f ms / %.0f ms", Stats.median(cpu.get("with")), Stats.median(cpu.get("without"))));
		section.row(label + ": whole-process CPU time, with minus without, per pair",
				startup.cpuDelta().format("%+.0f ms"));
		section.row(label + ": main thread's CPU time, with minus without, per pair (reported only: the part of the "
				+ "CPU time with the least noise, JIT compiler and GC threads left out)",
				Figure.of(mainCpuDeltas).format("%+.0f ms"));
		section.row(label + ": SpringApplication.run with / without the starter",
				String.format("median %.0f ms / %.0f ms (with: %s; without: %s)", startup.withMillis(),
						startup.withoutMillis(), Stats.list("%.0f", toArray(run.get("with"))),
						Stats.list("%.0f", toArray(run.get("without")))));
		section.row(label + ": difference of the medians", String.format("%+.0f ms", startup.deltaMillis()));
		section.row(label + ": creating the client beans (BufferingApplicationStartup)",
				String.format("median %.0f ms", startup.clientBeanMillis()));
		section.row(label + ": classes loaded at context ready, with / without", String.format("%.0f / %.0f (%+.0f)",
				Stats.median(classes.get("with")), Stats.median(classes.get("without")), startup.extraClasses()));
		return startup;
	}

	private static double[] toArray(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).toArray();
	}

	private static ChildJvm.Outcome start(String mode, String baseUrl, boolean webClient) {
		List<String> arguments = new ArrayList<>(List.of(mode, baseUrl));
		if (webClient) {
			arguments.add("--webclient");
		}
		try {
			ChildJvm.Outcome outcome = ChildJvm.run(List.of("-Xmx256m"), StartupApplication.class, arguments,
					Duration.ofMinutes(2));
			if (!outcome.succeeded()) {
				throw new IllegalStateException("the " + mode + " application failed:\n" + String.join("\n", outcome.tail(40)));
			}
			return outcome;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
