package ai.together.sandbox.internal.snapshots;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

import ai.together.sandbox.internal.http.RetryEngine;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How snapshot builds reach the outside world: the environment variables they read, the
 * {@code docker} executable, how the remote build's log stream is re-opened, and the clock that
 * stamps image names. The defaults are the real ones; tests replace them.
 *
 * @param environment reads environment variables ({@code TOGETHER_LOCAL_BUILD},
 * {@code TOGETHER_REMOTE_ARCHITECTURE})
 * @param dockerExecutable the {@code docker} command: a name looked up on the {@code PATH}, or a
 * path
 * @param logStreamAttempts how many times the build log stream is opened before giving up
 * @param logReconnectPause the pause before re-opening the log stream
 * @param pauseSleeper waits for the pause
 * @param clock stamps remote image names (Unix seconds)
 */
public record BuildSettings(UnaryOperator<@Nullable String> environment, String dockerExecutable,
		int logStreamAttempts, Duration logReconnectPause, RetryEngine.Sleeper pauseSleeper, Clock clock) {

	/** How many times the Python SDK opens the build log stream. */
	public static final int DEFAULT_LOG_STREAM_ATTEMPTS = 60;

	/** The Python SDK's pause before re-opening the build log stream. */
	public static final Duration DEFAULT_LOG_RECONNECT_PAUSE = Duration.ofSeconds(5);

	private static final RetryEngine.Sleeper REAL_SLEEPER = (delay) -> delay.isZero() ? Mono.empty()
			: Mono.delay(delay, Schedulers.parallel()).then();

	/**
	 * Checks the settings.
	 * @param environment the environment
	 * @param dockerExecutable the docker command
	 * @param logStreamAttempts the log stream attempts
	 * @param logReconnectPause the reconnect pause
	 * @param pauseSleeper the sleeper
	 * @param clock the clock
	 */
	public BuildSettings {
		Objects.requireNonNull(environment, "environment");
		Objects.requireNonNull(dockerExecutable, "dockerExecutable");
		Objects.requireNonNull(logReconnectPause, "logReconnectPause");
		Objects.requireNonNull(pauseSleeper, "pauseSleeper");
		Objects.requireNonNull(clock, "clock");
		if (logStreamAttempts < 1) {
			throw new IllegalArgumentException("logStreamAttempts must be at least 1, was " + logStreamAttempts);
		}
	}

	/**
	 * The real settings: the process environment, {@code docker} from the {@code PATH}, 60 log
	 * stream attempts 5 s apart, the system clock.
	 * @return the defaults
	 */
	public static BuildSettings defaults() {
		return new BuildSettings(System::getenv, "docker", DEFAULT_LOG_STREAM_ATTEMPTS, DEFAULT_LOG_RECONNECT_PAUSE,
				REAL_SLEEPER, Clock.systemUTC());
	}

	/**
	 * Returns a copy reading another environment.
	 * @param environment the environment
	 * @return the copy
	 */
	public BuildSettings withEnvironment(UnaryOperator<@Nullable String> environment) {
		return new BuildSettings(environment, this.dockerExecutable, this.logStreamAttempts, this.logReconnectPause,
				this.pauseSleeper, this.clock);
	}

	/**
	 * Returns a copy running another {@code docker} executable.
	 * @param dockerExecutable a command name or path
	 * @return the copy
	 */
	public BuildSettings withDockerExecutable(String dockerExecutable) {
		return new BuildSettings(this.environment, dockerExecutable, this.logStreamAttempts, this.logReconnectPause,
				this.pauseSleeper, this.clock);
	}

	/**
	 * Returns a copy with another log stream policy.
	 * @param attempts how many times the stream is opened
	 * @param pause the pause before re-opening it
	 * @param sleeper waits for the pause
	 * @return the copy
	 */
	public BuildSettings withLogStream(int attempts, Duration pause, RetryEngine.Sleeper sleeper) {
		return new BuildSettings(this.environment, this.dockerExecutable, attempts, pause, sleeper, this.clock);
	}

	/**
	 * Returns a copy with another clock.
	 * @param clock the clock
	 * @return the copy
	 */
	public BuildSettings withClock(Clock clock) {
		return new BuildSettings(this.environment, this.dockerExecutable, this.logStreamAttempts,
				this.logReconnectPause, this.pauseSleeper, clock);
	}

}
