package ai.together.sandbox.internal.snapshots;

/**
 * An image a build pushed, ready to be registered as a snapshot.
 *
 * @param image the full image reference
 * @param architecture {@code amd64} or {@code arm64}
 */
public record BuiltImage(String image, String architecture) {
}
