package ai.together.sandbox.execs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.together.sandbox.internal.util.Args;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * What {@code execs().create(..)} and {@code execs().run(..)} start (the API's
 * {@code CreateExecRequest}). Only the fields that are set are sent; the agent applies its
 * defaults to the others. {@link #toString()} prints the names of the environment variables,
 * never their values.
 * <pre>{@code
 * ExecRequest.of("npm", "install");
 * ExecRequest.builder("npm").args("install").cwd("/workspace").env("NODE_ENV", "production").build();
 * }</pre>
 *
 * @param command the command to execute, for example {@code npm}
 * @param args its arguments (sent always, empty when there are none)
 * @param autorun whether to start it at once (agent default: {@code true}); {@code false}
 * creates it stopped, to be started with {@code start} (or {@code resume}); sent as
 * {@code autostart} to the current generation's agent
 * @param interactive whether it accepts input through {@code sendStdin} (agent default:
 * {@code false}); the seed's agent API only: on a sandbox of the current generation, where every
 * exec accepts input, {@code execs().create} rejects it with an {@link IllegalArgumentException}
 * @param pty whether to run it in a pseudo-terminal (agent default: {@code false})
 * @param cwd the working directory (agent default: the workspace directory)
 * @param env environment variables to set
 * @param uid the user id to run as (agent default: 1000)
 * @param gid the group id to run as (agent default: 1000)
 * @param user the user (and group) to run as, {@code "user[:group]"} with names or numeric ids,
 * for example {@code "node"}, {@code "1000:1000"} or {@code ":1000"}: the current agent API's
 * form; on a sandbox of the seed's generation, where the agent takes {@code uid}/{@code gid},
 * {@code execs().create} rejects it with an {@link IllegalArgumentException}. The current agent
 * receives {@code uid}/{@code gid} as this string ({@code "<uid>[:<gid>]"}), so only one of the
 * two forms may be set
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ExecRequest(@JsonProperty("command") String command, @JsonProperty("args") List<String> args,
		@JsonProperty("autorun") @Nullable Boolean autorun, @JsonProperty("interactive") @Nullable Boolean interactive,
		@JsonProperty("pty") @Nullable Boolean pty, @JsonProperty("cwd") @Nullable String cwd,
		@JsonProperty("env") @Nullable Map<String, String> env, @JsonProperty("uid") @Nullable Long uid,
		@JsonProperty("gid") @Nullable Long gid, @JsonProperty("user") @Nullable String user) {

	private static final long MAX_ID = 0xFFFF_FFFFL;

	/**
	 * Validates the request.
	 * @throws IllegalArgumentException naming the first invalid field
	 */
	public ExecRequest {
		Args.text(command, "command", Args.MAX_PATH_LENGTH);
		Args.notNull(args, "args");
		for (int i = 0; i < args.size(); i++) {
			Args.notNull(args.get(i), "args[" + i + "]");
		}
		args = List.copyOf(args);
		if (cwd != null) {
			Args.path(cwd, "cwd");
		}
		if (env != null) {
			Map<String, String> copy = new LinkedHashMap<>();
			env.forEach((name, value) -> {
				Args.notNull(name, "env name");
				if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
					throw new IllegalArgumentException("env name must be non-empty without '=' or NUL, was " + name);
				}
				copy.put(name, Args.notNull(value, "env[" + name + "]"));
			});
			env = Collections.unmodifiableMap(copy);
		}
		checkId(uid, "uid");
		checkId(gid, "gid");
		if (user != null) {
			checkUser(user);
			if (uid != null || gid != null) {
				throw new IllegalArgumentException(
						"set either user or uid/gid, not both (the current agent API receives uid/gid as user)");
			}
		}
	}

	/**
	 * A request without {@code user}: the seed's fields.
	 * @param command the command
	 * @param args its arguments
	 * @param autorun whether to start it at once
	 * @param interactive whether it accepts input
	 * @param pty whether to run it in a pseudo-terminal
	 * @param cwd the working directory
	 * @param env environment variables to set
	 * @param uid the user id to run as
	 * @param gid the group id to run as
	 */
	public ExecRequest(String command, List<String> args, @Nullable Boolean autorun, @Nullable Boolean interactive,
			@Nullable Boolean pty, @Nullable String cwd, @Nullable Map<String, String> env, @Nullable Long uid,
			@Nullable Long gid) {
		this(command, args, autorun, interactive, pty, cwd, env, uid, gid, null);
	}

	/**
	 * A request for a command with arguments and the agent's defaults for everything else.
	 * @param command the command
	 * @param args its arguments
	 * @return the request
	 */
	public static ExecRequest of(String command, String... args) {
		return builder(command).args(args).build();
	}

	/**
	 * Starts a builder.
	 * @param command the command to execute
	 * @return the builder
	 */
	public static Builder builder(String command) {
		return new Builder(command);
	}

	/**
	 * Returns a builder holding this request's values.
	 * @return the builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.command).args(this.args);
		builder.autorun = this.autorun;
		builder.interactive = this.interactive;
		builder.pty = this.pty;
		builder.cwd = this.cwd;
		builder.env = (this.env != null) ? new LinkedHashMap<>(this.env) : null;
		builder.uid = this.uid;
		builder.gid = this.gid;
		builder.user = this.user;
		return builder;
	}

	private static void checkUser(String user) {
		Args.text(user, "user", Args.MAX_ID_LENGTH);
		int colon = user.indexOf(':');
		boolean oneColonAtMost = colon < 0 || user.indexOf(':', colon + 1) < 0;
		boolean someSide = !user.equals(":");
		if (!oneColonAtMost || !someSide || user.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("user must be \"user[:group]\" (names or numeric ids, no whitespace),"
					+ " was '" + user + "'");
		}
	}

	private static void checkId(@Nullable Long value, String name) {
		if (value != null && (value < 0 || value > MAX_ID)) {
			throw new IllegalArgumentException(name + " must be between 0 and " + MAX_ID + ", was " + value);
		}
	}

	@Override
	public String toString() {
		// Environment values often hold secrets: print names only.
		return "ExecRequest[command=" + this.command + ", args=" + this.args + ", autorun=" + this.autorun
				+ ", interactive=" + this.interactive + ", pty=" + this.pty + ", cwd=" + this.cwd + ", env="
				+ ((this.env != null) ? this.env.keySet() : null) + ", uid=" + this.uid + ", gid=" + this.gid + ", user=" + this.user + "]";
	}

	/**
	 * Builder of {@link ExecRequest}.
	 */
	public static final class Builder {

		private String command;

		private List<String> args = new ArrayList<>();

		private @Nullable Boolean autorun;

		private @Nullable Boolean interactive;

		private @Nullable Boolean pty;

		private @Nullable String cwd;

		private @Nullable Map<String, String> env;

		private @Nullable Long uid;

		private @Nullable Long gid;

		private @Nullable String user;

		private Builder(String command) {
			this.command = command;
		}

		/**
		 * The command to execute.
		 * @param command the command
		 * @return this builder
		 */
		public Builder command(String command) {
			this.command = command;
			return this;
		}

		/**
		 * The arguments, replacing any set before.
		 * @param args the arguments
		 * @return this builder
		 */
		public Builder args(String... args) {
			return args(Arrays.asList(Args.notNull(args, "args")));
		}

		/**
		 * The arguments, replacing any set before.
		 * @param args the arguments
		 * @return this builder
		 */
		public Builder args(List<String> args) {
			this.args = new ArrayList<>(Args.notNull(args, "args"));
			return this;
		}

		/**
		 * Whether to start the command at once ({@code false} creates it stopped).
		 * @param autorun whether to start at once, or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder autorun(@Nullable Boolean autorun) {
			this.autorun = autorun;
			return this;
		}

		/**
		 * Whether the exec accepts input.
		 * @param interactive whether it is interactive, or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder interactive(@Nullable Boolean interactive) {
			this.interactive = interactive;
			return this;
		}

		/**
		 * Whether to run in a pseudo-terminal.
		 * @param pty whether to use a PTY, or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder pty(@Nullable Boolean pty) {
			this.pty = pty;
			return this;
		}

		/**
		 * The working directory.
		 * @param cwd the directory, or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder cwd(@Nullable String cwd) {
			this.cwd = cwd;
			return this;
		}

		/**
		 * The environment variables, replacing any set before.
		 * @param env the variables, or {@code null} for none
		 * @return this builder
		 */
		public Builder env(@Nullable Map<String, String> env) {
			this.env = (env != null) ? new LinkedHashMap<>(env) : null;
			return this;
		}

		/**
		 * Adds one environment variable.
		 * @param name the name
		 * @param value the value
		 * @return this builder
		 */
		public Builder env(String name, String value) {
			if (this.env == null) {
				this.env = new LinkedHashMap<>();
			}
			this.env.put(name, value);
			return this;
		}

		/**
		 * The user id to run as.
		 * @param uid the user id (0 to 4294967295), or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder uid(@Nullable Long uid) {
			this.uid = uid;
			return this;
		}

		/**
		 * The group id to run as.
		 * @param gid the group id (0 to 4294967295), or {@code null} for the agent's default
		 * @return this builder
		 */
		public Builder gid(@Nullable Long gid) {
			this.gid = gid;
			return this;
		}

		/**
		 * The user and group to run as, in the current agent API's form.
		 * @param user {@code "user[:group]"}, each side a name or a numeric id and either side
		 * optional ({@code "node"}, {@code "1000:1000"}, {@code ":1000"}), or {@code null} for the
		 * agent's default
		 * @return this builder
		 */
		public Builder user(@Nullable String user) {
			this.user = user;
			return this;
		}

		/**
		 * Builds the request.
		 * @return the request
		 * @throws IllegalArgumentException naming the first invalid field
		 */
		public ExecRequest build() {
			return new ExecRequest(this.command, this.args, this.autorun, this.interactive, this.pty, this.cwd,
					this.env, this.uid, this.gid, this.user);
		}

	}

}
