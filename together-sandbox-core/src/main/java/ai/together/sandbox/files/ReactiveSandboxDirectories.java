package ai.together.sandbox.files;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Directory operations of a connected sandbox, in the reactive style:
 * {@code sandbox.directories()}. Nothing is sent until a returned publisher is subscribed to;
 * every call is retried according to the client's {@code RetryConfig}, under the operation
 * names {@code directories.list}, {@code directories.create} and {@code directories.delete}.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public interface ReactiveSandboxDirectories {

	/**
	 * Lists the entries of a directory.
	 * @param path the directory path ({@code /} for the root)
	 * @return the entries
	 */
	Flux<FileInfo> list(String path);

	/**
	 * Creates a directory.
	 * @param path the directory path
	 * @return completion
	 */
	Mono<Void> create(String path);

	/**
	 * Deletes a directory with everything in it.
	 * @param path the directory path
	 * @return completion
	 */
	Mono<Void> delete(String path);

}
