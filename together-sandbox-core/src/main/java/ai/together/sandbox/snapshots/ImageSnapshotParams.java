package ai.together.sandbox.snapshots;

import java.util.function.Consumer;

import ai.together.sandbox.internal.util.Args;
import org.jspecify.annotations.Nullable;

/**
 * Parameters of a snapshot made from an existing public Docker image (no build): the seed's
 * {@code CreateImageSnapshotParams}.
 * <pre>{@code
 * sdk.snapshots().create(ImageSnapshotParams.builder("node:22").alias("my-node@latest").build());
 * }</pre>
 *
 * @param image Docker image name or reference, for example {@code node:22} or
 * {@code registry.example.com/org/app:tag}
 * @param alias alias to assign ({@code tag} or {@code namespace@tag}), or {@code null} for none
 * @param onProgress receives a {@link SnapshotProgress} at each stage, or {@code null}; called
 * synchronously on the thread doing the work, so keep it short
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record ImageSnapshotParams(String image, @Nullable String alias,
		@Nullable Consumer<SnapshotProgress> onProgress) {

	/**
	 * Validates the parameters.
	 * @param image the image
	 * @param alias the alias, or {@code null}
	 * @param onProgress the progress callback, or {@code null}
	 * @throws IllegalArgumentException when the image is missing or blank, or the alias is blank
	 */
	public ImageSnapshotParams {
		Args.id(image, "image");
		if (alias != null) {
			Args.id(alias, "alias");
		}
	}

	/**
	 * Shorthand for parameters with an image only.
	 * @param image the image
	 * @return the parameters
	 */
	public static ImageSnapshotParams of(String image) {
		return new ImageSnapshotParams(image, null, null);
	}

	/**
	 * Starts a builder.
	 * @param image the image
	 * @return a new builder
	 */
	public static Builder builder(String image) {
		return new Builder(image);
	}

	@Override
	public String toString() {
		return "ImageSnapshotParams[image=" + this.image + ", alias=" + this.alias + "]";
	}

	/**
	 * Builder of {@link ImageSnapshotParams}.
	 */
	public static final class Builder {

		private final String image;

		private @Nullable String alias;

		private @Nullable Consumer<SnapshotProgress> onProgress;

		private Builder(String image) {
			this.image = image;
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
		 * Validates and builds the parameters.
		 * @return the parameters
		 */
		public ImageSnapshotParams build() {
			return new ImageSnapshotParams(this.image, this.alias, this.onProgress);
		}

	}

}
