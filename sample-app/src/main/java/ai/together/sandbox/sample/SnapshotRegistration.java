package ai.together.sandbox.sample;

import java.time.Duration;

import ai.together.sandbox.ReactiveTogetherSandbox;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties.ApiGeneration;
import ai.together.sandbox.autoconfigure.TogetherSandboxProperties;
import ai.together.sandbox.current.SnapshotSpec;
import ai.together.sandbox.errors.HttpException;
import ai.together.sandbox.sandboxes.CreateSandboxRequest;
import ai.together.sandbox.snapshots.ImageSnapshotParams;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Makes sure the snapshot that new sandboxes are created from exists: when the alias configured
 * in {@code together.sandbox.defaults.snapshot-alias} is unknown and {@code sample.snapshot.image}
 * is set, it registers that public image under the alias (no build: the emulator, and Together
 * Sandbox, accept a public image as is). The check runs once per application; a failed check is
 * tried again by the next caller. It goes through the API generation the starter targets
 * ({@code together.sandbox.api-generation}): the seed's snapshots, or {@code sdk.current()}'s.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
@Component
public class SnapshotRegistration {

	private static final Log logger = LogFactory.getLog(SnapshotRegistration.class);

	private final Mono<Snapshot> ready;

	/**
	 * Creates the registration.
	 * @param client the client
	 * @param requestBuilder the starter's builder of sandbox requests, which holds the alias
	 * @param properties the sample's settings
	 * @param starter the starter's settings, which name the API generation
	 */
	public SnapshotRegistration(ReactiveTogetherSandbox client, ObjectProvider<CreateSandboxRequest.Builder> requestBuilder,
			SampleProperties properties, ObjectProvider<TogetherSandboxProperties> starter) {
		TogetherSandboxProperties starterProperties = starter.getIfAvailable();
		boolean current = starterProperties != null && starterProperties.getApiGeneration() == ApiGeneration.CURRENT;
		String configuredImage = properties.getSnapshot().getImage();
		String image = StringUtils.hasText(configuredImage) ? configuredImage : null;
		this.ready = Mono.defer(() -> {
			String alias = requestBuilder.getObject().build().snapshotAlias();
			if (alias == null) {
				// Configured by snapshot id instead: nothing to register.
				return Mono.just(new Snapshot(null, null));
			}
			Mono<?> existing = current ? client.current().snapshots().getByAlias(alias)
					: client.snapshots().getByAlias(alias);
			return existing.map((found) -> new Snapshot(alias, null))
				.onErrorResume((error) -> isNotFound(error) && image != null, (notFound) -> {
					logger.info("Registering the public image " + image + " as snapshot " + alias);
					Mono<?> registered = current ? client.current().snapshots().register(SnapshotSpec.of(image), alias)
							: client.snapshots().create(ImageSnapshotParams.builder(image).alias(alias).build());
					return registered.map((created) -> new Snapshot(alias, image));
				});
		}).cache((snapshot) -> Duration.ofMillis(Long.MAX_VALUE), (error) -> Duration.ZERO, () -> Duration.ZERO);
	}

	/**
	 * Checks, once, that the configured snapshot exists, registering it when needed.
	 * @return the snapshot, completed when it can be used
	 */
	public Mono<Snapshot> ensureAvailable() {
		return this.ready;
	}

	private static boolean isNotFound(Throwable error) {
		return error instanceof HttpException http && http.status() == 404;
	}

	/**
	 * The snapshot new sandboxes use.
	 *
	 * @param alias the alias, or {@code null} when sandboxes are created from a snapshot id
	 * @param registeredFrom the image just registered under the alias, or {@code null} when the
	 * alias already existed
	 */
	public record Snapshot(@Nullable String alias, @Nullable String registeredFrom) {

	}

}
