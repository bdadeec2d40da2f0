/**
 * The HTTP layer shared by the three APIs: requests with their raw path, replies, body limits,
 * percent decoding, bearer authentication, JSON, error bodies, server-sent events and the route
 * tables that map a method and a path template to a handler. Knows nothing of sandboxes.
 */
@org.jspecify.annotations.NullMarked
package ai.together.sandbox.emulator.internal.http;
