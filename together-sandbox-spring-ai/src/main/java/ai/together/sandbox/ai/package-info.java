/**
 * Spring AI tools over Together Sandbox: a {@code ToolCallbackProvider} whose tools run commands,
 * read and write files, list directories, start processes and report ports in a sandbox bound to
 * the conversation, and their auto-configuration ({@code together.sandbox.ai.*}). With a Spring AI
 * MCP server starter on the classpath the same tools are served over MCP.
 */
@NullMarked
package ai.together.sandbox.ai;

import org.jspecify.annotations.NullMarked;
