package ai.together.sandbox.internal.snapshots;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import ai.together.sandbox.internal.http.Redactor;
import ai.together.sandbox.snapshots.SnapshotBuildException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the {@code docker} commands of a local snapshot build (PROTOCOL.md §5.4). Output (stdout
 * and stderr, merged) is decoded as UTF-8 with invalid bytes replaced, split into lines, stripped
 * of ANSI sequences, and every non-blank line is handed to a consumer as it arrives. A registry
 * password is only ever written to the process's standard input: it never appears in a command
 * line, and any output line that echoes it has it masked. Cancelling a returned Mono kills the
 * process.
 */
public final class DockerCli {

	/** The message when the {@code docker} executable cannot be run. */
	public static final String NOT_AVAILABLE = "Docker is not available. Please install Docker to use snapshot builds.";

	/** How many output lines a failure message repeats (the most recent ones). */
	public static final int MAX_LINES_IN_MESSAGE = 50;


	private final String executable;

	/**
	 * Creates a runner.
	 * @param executable the {@code docker} command: a name looked up on the {@code PATH}, or a
	 * path
	 */
	public DockerCli(String executable) {
		this.executable = Objects.requireNonNull(executable, "executable");
	}

	/**
	 * Checks that {@code docker --version} runs and succeeds.
	 * @return completion, or a {@link SnapshotBuildException} saying Docker is not available
	 */
	public Mono<Void> requireAvailable() {
		return run(List.of("--version"), null, null, (line) -> {
		}).flatMap((result) -> (result.exitCode() == 0) ? Mono.<Void>empty()
				: Mono.error(new SnapshotBuildException(NOT_AVAILABLE, result.tail(), null)));
	}

	/**
	 * Runs {@code docker build --platform linux/<arch> --progress=plain [-f <dockerfile>] -t
	 * <image> <context>}.
	 * @param architecture {@code amd64} or {@code arm64}
	 * @param dockerfile the Dockerfile to pass with {@code -f}, or {@code null} for none
	 * @param image the image reference to tag
	 * @param contextDir the context directory
	 * @param output receives each output line
	 * @return completion, or a {@link SnapshotBuildException} on a non-zero exit
	 */
	public Mono<Void> build(String architecture, @Nullable Path dockerfile, String image, Path contextDir,
			Consumer<String> output) {
		List<String> args = new ArrayList<>(List.of("build", "--platform", "linux/" + architecture, "--progress=plain"));
		if (dockerfile != null) {
			args.add("-f");
			args.add(dockerfile.toString());
		}
		args.addAll(List.of("-t", image, contextDir.toString()));
		return runChecked("Docker build", args, null, null, output);
	}

	/**
	 * Runs {@code docker login <host> --username <username> --password-stdin} and writes the
	 * password to its standard input.
	 * @param host the registry host
	 * @param username the user name
	 * @param password the password (only ever written to standard input)
	 * @param output receives each output line (with the password masked)
	 * @return completion, or a {@link SnapshotBuildException} on a non-zero exit
	 */
	public Mono<Void> login(String host, String username, String password, Consumer<String> output) {
		return runChecked("Docker login", List.of("login", host, "--username", username, "--password-stdin"),
				password.getBytes(StandardCharsets.UTF_8), password, output);
	}

	/**
	 * Runs {@code docker push <image>}.
	 * @param image the image reference
	 * @param output receives each output line
	 * @return completion, or a {@link SnapshotBuildException} on a non-zero exit
	 */
	public Mono<Void> push(String image, Consumer<String> output) {
		return runChecked("Docker push", List.of("push", image), null, null, output);
	}

	private Mono<Void> runChecked(String what, List<String> args, byte @Nullable [] stdin, @Nullable String secret,
			Consumer<String> output) {
		return run(args, stdin, secret, output).flatMap((result) -> {
			if (result.exitCode() == 0) {
				return Mono.empty();
			}
			StringBuilder message = new StringBuilder(what).append(" failed with exit code ").append(result.exitCode());
			if (result.lineCount() > result.tail().size()) {
				message.append(" (last ").append(result.tail().size()).append(" of ").append(result.lineCount())
					.append(" output lines)");
			}
			for (String line : result.tail()) {
				message.append('\n').append(line);
			}
			return Mono.error(new SnapshotBuildException(message.toString(), result.tail(), null));
		});
	}

	/**
	 * Runs {@code docker} with arguments on a thread that may block.
	 * @param args the arguments after the executable
	 * @param stdin what to write to standard input (then closed), or {@code null} for nothing
	 * @param secret a value to mask in the output, or {@code null}
	 * @param output receives each output line
	 * @return the exit code and the last output lines
	 */
	Mono<Result> run(List<String> args, byte @Nullable [] stdin, @Nullable String secret, Consumer<String> output) {
		return Mono.defer(() -> {
			AtomicReference<@Nullable Process> running = new AtomicReference<>();
			return Mono.fromCallable(() -> runBlocking(args, stdin, secret, output, running))
				.subscribeOn(Schedulers.boundedElastic())
				.doOnCancel(() -> kill(running.get()));
		});
	}

	private Result runBlocking(List<String> args, byte @Nullable [] stdin, @Nullable String secret,
			Consumer<String> output, AtomicReference<@Nullable Process> running) throws IOException,
			InterruptedException {
		List<String> command = new ArrayList<>(args.size() + 1);
		command.add(this.executable);
		command.addAll(args);
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new SnapshotBuildException(NOT_AVAILABLE, List.of(), ex);
		}
		running.set(process);
		try {
			try (OutputStream in = process.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin);
				}
			}
			catch (IOException ex) {
				// The process exited without reading its input; its exit code reports the failure.
			}
			LineTail tail = new LineTail(MAX_LINES_IN_MESSAGE);
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					String clean = Ansi.strip(line).stripTrailing();
					if (secret != null) {
						clean = String.valueOf(Redactor.redact(clean, List.of(secret)));
					}
					if (!clean.isBlank()) {
						tail.add(clean);
						output.accept(clean);
					}
				}
			}
			return new Result(process.waitFor(), tail.lines(), tail.count());
		}
		finally {
			if (process.isAlive()) {
				kill(process);
			}
		}
	}

	private static void kill(@Nullable Process process) {
		if (process != null) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
	}

	/**
	 * The outcome of one command.
	 *
	 * @param exitCode the exit code
	 * @param tail the last output lines
	 * @param lineCount how many output lines there were in all
	 */
	record Result(int exitCode, List<String> tail, long lineCount) {
	}

}
