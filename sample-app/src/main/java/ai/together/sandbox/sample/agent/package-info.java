/**
 * A scripted agent turn over the Spring AI sandbox tools: {@code POST /agent/turns} runs a
 * {@code ChatClient} conversation whose model is scripted (no account, no real model), so that
 * the round trip model, tools, sandbox and back can be tried locally.
 */
@NullMarked
package ai.together.sandbox.sample.agent;

import org.jspecify.annotations.NullMarked;
