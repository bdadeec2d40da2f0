package ai.together.sandbox.emulator.internal.agent;

import ai.together.sandbox.emulator.internal.http.Request;
import ai.together.sandbox.emulator.internal.state.SandboxInstance;

/**
 * An admitted agent request: the running sandbox it addresses and the request.
 *
 * @param sandbox the sandbox
 * @param request the request
 */
public record AgentCall(SandboxInstance sandbox, Request request) {
}
