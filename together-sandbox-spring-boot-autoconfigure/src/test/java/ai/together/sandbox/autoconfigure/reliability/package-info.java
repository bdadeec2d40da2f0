/**
 * The fault and abuse suite of the auto-configuration: shutdown of the context with calls in
 * flight, the stream idle timeout property, and secrets in actuator endpoints and logs.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.autoconfigure.reliability;
