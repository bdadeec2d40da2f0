/**
 * The sample application: a Spring Boot service that runs commands in Together sandboxes.
 */
@NullMarked
package ai.together.sandbox.sample;

import org.jspecify.annotations.NullMarked;
