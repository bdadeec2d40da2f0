package ai.together.sandbox.snapshots;

import java.nio.file.Path;
import java.util.function.Consumer;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * Parameters of a snapshot built from a Docker build context: the seed's
 * {@code CreateContextSnapshotParams}.
 * <pre>{@code
 * sdk.snapshots().create(ContextSnapshotParams.builder(Path.of("./my-app"))
 *     .dockerfile(Path.of("./my-app/Dockerfile.prod"))
 *     .alias("my-app@v1")
 *     .onProgress(event -> System.out.println(event.output()))
 *     .build());
 * }</pre>
 * The image is built by Together's remote image builder unless {@link #buildMode()} is
 * {@link SnapshotBuildMode#LOCAL}, or it is not set and the environment variable
 * {@code TOGETHER_LOCAL_BUILD} is {@code 1}.
 *
 * @param context the build context directory
 * @param dockerfile the Dockerfile, which must lie inside the context, or {@code null} for
 * {@code Dockerfile} in the context
 * @param alias alias to assign ({@code tag} or {@code namespace@tag}), or {@code null} for none
 * @param onProgress receives a {@link SnapshotProgress} at each stage, or {@code null}; called
 * synchronously on the thread doing the work, so keep it short
 * @param buildMode where to build, or {@code null} to let {@code TOGETHER_LOCAL_BUILD} decide
 * (remote unless it is {@code 1})
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ContextSnapshotParams(Path context, @Nullable Path dockerfile, @Nullable String alias,
		@Nullable Consumer<SnapshotProgress> onProgress, @Nullable SnapshotBuildMode buildMode) {

	/**
	 * Validates the parameters. The file system is checked when the snapshot is created.
	 * @param context the build context directory
	 * @param dockerfile the Dockerfile, or {@code null}
	 * @param alias the alias, or {@code null}
	 * @param onProgress the progress callback, or {@code null}
	 * @param buildMode the build mode, or {@code null}
	 * @throws IllegalArgumentException when the context is missing or the alias is blank
	 */
	public ContextSnapshotParams {
		Args.notNull(context, "context");
		if (alias != null) {
			Args.id(alias, "alias");
		}
	}

	/**
	 * Shorthand for parameters with a context directory only.
	 * @param context the build context directory
	 * @return the parameters
	 */
	public static ContextSnapshotParams of(Path context) {
		return new ContextSnapshotParams(context, null, null, null, null);
	}

	/**
	 * Starts a builder.
	 * @param context the build context directory
	 * @return a new builder
	 */
	public static Builder builder(Path context) {
		return new Builder(context);
	}

	@Override
	public String toString() {
		return "ContextSnapshotParams[context=" + this.context + ", dockerfile=" + this.dockerfile + ", alias="
				+ this.alias + ", buildMode=" + this.buildMode + "]";
	}

	/**
	 * Builder of {@link ContextSnapshotParams}.
	 */
	public static final class Builder {

		private final Path context;

		private @Nullable Path dockerfile;

		private @Nullable String alias;

		private @Nullable Consumer<SnapshotProgress> onProgress;

		private @Nullable SnapshotBuildMode buildMode;

		private Builder(Path context) {
			this.context = context;
		}

		/**
		 * The Dockerfile (default: {@code Dockerfile} in the context); it must lie inside the
		 * context.
		 * @param dockerfile the Dockerfile, or {@code null} for the default
		 * @return this builder
		 */
		public Builder dockerfile(@Nullable Path dockerfile) {
			this.dockerfile = dockerfile;
			return this;
		}

		/**
		 * Alias to assign ({@code tag} or {@code namespace@tag}).
		 * @param alias the alias, or {@code null} for none
		 * @return this builder
		 */
		public Builder alias(@Nullable String alias) {
			this.alias = alias;
			return this;
		}

		/**
		 * Progress callback.
		 * @param onProgress the callback, or {@code null}
		 * @return this builder
		 */
		public Builder onProgress(@Nullable Consumer<SnapshotProgress> onProgress) {
			this.onProgress = onProgress;
			return this;
		}

		/**
		 * Where to build; when not set, {@code TOGETHER_LOCAL_BUILD=1} selects
		 * {@link SnapshotBuildMode#LOCAL} and anything else {@link SnapshotBuildMode#REMOTE}.
		 * @param buildMode the build mode, or {@code null} to let the environment decide
		 * @return this builder
		 */
		public Builder buildMode(@Nullable SnapshotBuildMode buildMode) {
			this.buildMode = buildMode;
			return this;
		}

		/**
		 * Validates and builds the parameters.
		 * @return the parameters
		 */
		public ContextSnapshotParams build() {
			return new ContextSnapshotParams(this.context, this.dockerfile, this.alias, this.onProgress,
					this.buildMode);
		}

	}

}
