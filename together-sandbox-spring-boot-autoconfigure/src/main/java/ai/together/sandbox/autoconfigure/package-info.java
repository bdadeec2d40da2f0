/**
 * Spring Boot auto-configuration of the Together Sandbox client: the {@code TogetherSandbox} and
 * {@code ReactiveTogetherSandbox} beans configured from {@code together.sandbox.*}, the
 * connection details, customizers, and the embedded emulator used when no API key is set.
 */
@NullMarked
package ai.together.sandbox.autoconfigure;

import org.jspecify.annotations.NullMarked;
