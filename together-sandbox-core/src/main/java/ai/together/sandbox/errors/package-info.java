/**
 * The exceptions of the client: {@link ai.together.sandbox.errors.TogetherSandboxException}
 * (the unchecked base), {@link ai.together.sandbox.errors.HttpException} (a failed call, status
 * 0 for a transport failure) and {@link ai.together.sandbox.errors.SandboxLifecycleException}
 * (a sandbox that settled in the wrong status).
 */
@NullMarked
package ai.together.sandbox.errors;

import org.jspecify.annotations.NullMarked;
